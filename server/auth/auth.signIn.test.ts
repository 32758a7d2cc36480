import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRecords, staffSessions } from "@/db/schema";
import { verifyAuditChain } from "@/server/audit/verify";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type Auth, createAuth } from "./auth";
import { authSettings } from "./config";
import { handleAuthRequest } from "./handler";
import { createStaffUser, setStaffActive } from "./people";
import { PEER_ADDRESS_HEADER } from "./request-meta";
import { staffFromHeaders } from "./session";

const ORIGIN = "http://localhost:3000";
let t: TestDatabase;
let auth: Auth;

beforeAll(async () => {
  t = await createTestDatabase();
  auth = createAuth({
    db: t.db,
    settings: { ...authSettings({ THROUGHLINE_SECRET: "x", PORT: "3000" }), signInAttemptsPerMinute: 3 },
  });
  await createStaffUser({
    db: t.db,
    email: "Olivia@Example.com",
    name: "Olivia",
    password: "correct horse battery",
    role: "operator",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
});
afterAll(() => t.drop());

/** `address` is the socket's, as the web server stamps it; `claimed` what the client says in X-Forwarded-For. */
function signIn(email: string, password: string, address = "10.0.0.1", claimed?: string) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    origin: ORIGIN,
    [PEER_ADDRESS_HEADER]: address,
  };
  if (claimed) headers["x-forwarded-for"] = claimed;
  return handleAuthRequest(
    auth,
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email, password }),
    }),
  );
}

function cookieOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

describe("staff sign-in with better-auth", () => {
  it("signs in with email and password, stores the session in PostgreSQL and resolves the staff principal", async () => {
    const response = await signIn("olivia@example.com", "correct horse battery");
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie().join("\n");
    expect(setCookie).toMatch(/throughline\.session_token=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const principal = await staffFromHeaders(auth, new Headers({ cookie: cookieOf(response) }));
    expect(principal).toMatchObject({ kind: "staff", email: "olivia@example.com", role: "operator" });
    const sessions = await t.db
      .select()
      .from(staffSessions)
      .where(eq(staffSessions.userId, principal!.userId));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.ipAddress).toBe("10.0.0.1");

    const audit = await t.db.select().from(auditRecords).where(eq(auditRecords.action, "signed_in"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorLabel: "olivia@example.com",
      actorRole: "operator",
      clientAddress: "10.0.0.1",
    });
  });

  it("refuses a wrong password without saying which part was wrong", async () => {
    const response = await signIn("olivia@example.com", "wrong password!!", "10.0.0.2");
    expect(response.status).toBe(401);
    const unknown = await signIn("nobody@example.com", "whatever whatever", "10.0.0.2");
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ code: "INVALID_EMAIL_OR_PASSWORD" });
  });

  it("rate-limits sign-in attempts per client address", async () => {
    const statuses: number[] = [];
    // A different account each time: only the per-address limit applies.
    for (let i = 0; i < 5; i++)
      statuses.push((await signIn(`probe${i}@example.com`, "wrong password!!", "10.0.0.3")).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    // Another address is not affected.
    expect((await signIn("nobody@example.com", "correct horse battery", "10.0.0.4")).status).toBe(401);
  });

  it("gives no more attempts for rotating X-Forwarded-For: with no proxy declared the address is the socket's", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await signIn(`spray${i}@example.com`, "guess guess guess", "10.0.0.8", `10.9.0.${i}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it("does not let someone else's failures lock a person out: the correct password from their address signs in", async () => {
    // More failures against Olivia from another address than the per-address limit allows.
    const attacker: number[] = [];
    for (let i = 0; i < 5; i++)
      attacker.push((await signIn("olivia@example.com", "guess guess guess", "10.6.0.1")).status);
    expect(attacker).toEqual([401, 401, 401, 429, 429]);
    expect((await signIn("olivia@example.com", "correct horse battery", "10.0.0.1")).status).toBe(200);
  });

  it("refuses a cookie-carrying sign-in from a foreign origin (CSRF)", async () => {
    const response = await handleAuthRequest(
      auth,
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: "https://evil.example",
          cookie: "a=b",
          [PEER_ADDRESS_HEADER]: "10.0.0.5",
        },
        body: JSON.stringify({ email: "olivia@example.com", password: "correct horse battery" }),
      }),
    );
    expect(response.status).toBe(403);
  });

  it("ends a deactivated person's sessions and refuses their sign-in; sign-up is closed", async () => {
    await createStaffUser({
      db: t.db,
      email: "dora@example.com",
      name: "Dora",
      password: "correct horse battery",
      role: "support",
      actor: SYSTEM_ACTOR,
      request: NO_REQUEST,
    });
    const first = await signIn("dora@example.com", "correct horse battery", "10.0.0.6");
    const cookie = cookieOf(first);
    const principal = await staffFromHeaders(auth, new Headers({ cookie }));
    await setStaffActive({
      db: t.db,
      userId: principal!.userId,
      active: false,
      reason: "Left the team",
      actor: SYSTEM_ACTOR,
      request: NO_REQUEST,
    });
    expect(await staffFromHeaders(auth, new Headers({ cookie }))).toBeNull();
    expect((await signIn("dora@example.com", "correct horse battery", "10.0.0.6")).status).toBe(403);

    const signUp = await handleAuthRequest(
      auth,
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, [PEER_ADDRESS_HEADER]: "10.0.0.7" },
        body: JSON.stringify({ email: "mallory@example.com", password: "mallory mallory", name: "M" }),
      }),
    );
    expect(signUp.status).toBeGreaterThanOrEqual(400);
    expect((await verifyAuditChain({ db: t.db })).ok).toBe(true);
  });
});
