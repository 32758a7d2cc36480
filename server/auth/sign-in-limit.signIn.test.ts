import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRecords } from "@/db/schema";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type Auth, createAuth } from "./auth";
import { authSettings } from "./config";
import { handleAuthRequest } from "./handler";
import { createStaffUser } from "./people";
import { PEER_ADDRESS_HEADER } from "./request-meta";

/**
 * Issue 15 hole 6 against real sign-in (better-auth over PostgreSQL): the address is the
 * socket's (the web server's PEER_ADDRESS_HEADER), whatever the client claims, and another
 * person's failures cannot lock the admin out.
 */
const ORIGIN = "http://localhost:3000";
const ADMIN = "admin@example.com";
const PASSWORD = "correct horse battery";
const ADMIN_HOME = "10.1.0.1";
let t: TestDatabase;
let auth: Auth;

beforeAll(async () => {
  t = await createTestDatabase();
  auth = createAuth({
    db: t.db,
    // The per-address limit out of the way (100/min): these tests are about the per-account ones.
    settings: { ...authSettings({ THROUGHLINE_SECRET: "x", PORT: "3000" }), signInAttemptsPerMinute: 100 },
    signInLimits: { pairFreeFailures: 2, pairBaseDelayMs: 60_000, accountAttemptsPerWindow: 4 },
  });
  for (const email of [ADMIN, "bob@example.com"]) {
    await createStaffUser({
      db: t.db,
      email,
      name: email,
      password: PASSWORD,
      role: "admin",
      actor: SYSTEM_ACTOR,
      request: NO_REQUEST,
    });
  }
});
afterAll(() => t.drop());

function signIn(email: string, password: string, socket: string, extra: Record<string, string> = {}) {
  return handleAuthRequest(
    auth,
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        [PEER_ADDRESS_HEADER]: socket,
        ...extra,
      },
      body: JSON.stringify({ email, password }),
    }),
  );
}

async function statuses(n: number, attempt: (i: number) => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await attempt(i)).status);
  return out;
}

describe("sign-in limits nobody can turn into a lockout", () => {
  it("records the socket's address in the audit, not X-Forwarded-For or X-Real-IP", async () => {
    const response = await signIn(ADMIN, PASSWORD, ADMIN_HOME, {
      "x-forwarded-for": "6.6.6.6",
      "x-real-ip": "7.7.7.7",
    });
    expect(response.status).toBe(200);
    const [record] = await t.db
      .select({ clientAddress: auditRecords.clientAddress })
      .from(auditRecords)
      .where(and(eq(auditRecords.action, "signed_in"), eq(auditRecords.actorLabel, ADMIN)));
    expect(record).toEqual({ clientAddress: ADMIN_HOME });
  });

  it("slows a guesser at one address down, and the admin's correct password from home still signs in", async () => {
    const attacker = await statuses(4, () => signIn(ADMIN, "wrong password!!", "10.6.6.6"));
    // Two free failures, then each next one waits (a minute here): refused with Retry-After.
    expect(attacker).toEqual([401, 401, 429, 429]);
    const refused = await signIn(ADMIN, PASSWORD, "10.6.6.6");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signIn(ADMIN, PASSWORD, ADMIN_HOME)).status).toBe(200);
  });

  it("bounds guessing spread over many addresses per account, without refusing the admin at a known address", async () => {
    const spread = await statuses(6, (i) => signIn("bob@example.com", "wrong password!!", `10.7.0.${i}`));
    // Four attempts per window from addresses Bob never signed in from, then none.
    expect(spread).toEqual([401, 401, 401, 401, 429, 429]);
    // The admin's account, attacked the same way (two of its four already spent above), still
    // lets the admin in from home.
    const againstAdmin = await statuses(4, (i) => signIn(ADMIN, "wrong password!!", `10.8.0.${i}`));
    expect(againstAdmin).toEqual([401, 401, 429, 429]);
    expect((await signIn(ADMIN, PASSWORD, ADMIN_HOME)).status).toBe(200);
    // The price, stated: a correct password from an address never used before waits out the window.
    expect((await signIn(ADMIN, PASSWORD, "10.9.9.9")).status).toBe(429);
  });
});
