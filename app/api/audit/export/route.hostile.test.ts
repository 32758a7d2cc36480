import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";

/**
 * Issue 15 hole 3 beside /api/v1: the audit CSV export's query parameters. A NUL in `actor`
 * reached PostgreSQL (a 500); it is a 400 problem naming the parameter.
 */
const BASE = "http://localhost:3000";
let t: TestDatabase;
let GET: (req: Request) => Promise<Response>;
let cookie: string;

beforeAll(async () => {
  process.env.THROUGHLINE_SECRET ??= "test-secret";
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url; // the route reads the process's services, as in production
  ({ GET } = (await import("./route")) as unknown as { GET: typeof GET });
  const { createStaffUser } = await import("@/server/auth/people");
  const { processServices } = await import("@/app/_lib/services");
  const { handleAuthRequest } = await import("@/server/auth/handler");
  const { SYSTEM_ACTOR, NO_REQUEST } = await import("@/server/audit/write");
  const email = "auditor@export.test";
  await createStaffUser({
    db: t.db,
    email,
    name: "Auditor",
    password: "auditor password 123",
    role: "support",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  const res = await handleAuthRequest(
    processServices().auth,
    new Request(`${BASE}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "auditor password 123" }),
    }),
  );
  expect(res.status).toBe(200);
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}, 60_000);
afterAll(() => t.drop());

const exportWith = (query: string) =>
  GET(new Request(`${BASE}/api/audit/export?${query}`, { headers: { cookie } }));

describe("GET /api/audit/export with hostile query parameters", () => {
  it("a NUL in ?actor= is a 400 problem naming the parameter", async () => {
    const res = await exportWith("actor=a%00b");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as { errors: { pointer: string }[] };
    expect(body.errors).toEqual([expect.objectContaining({ pointer: "/query/actor" })]);
  });
  it("ordinary text still exports (positive control)", async () => {
    const res = await exportWith(`actor=${encodeURIComponent("ünï 🚚")}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
  });
});
