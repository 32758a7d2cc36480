import { createApiKey } from "@/server/auth/api-keys";
import type { StaffRole } from "@/server/domain/roles";
import type { TestDatabase } from "@/test/db";

export const BASE = "http://localhost:3000";
export const PASSWORD = "fuzz password 123";

/** Who the fuzz calls as: the headers each kind of caller sends. */
export type CallerName = "anonymous" | StaffRole | "key";
export type Callers = Record<CallerName, Record<string, string>>;

/**
 * Staff of each role signed in through the real better-auth handler (the cookie the browser
 * would hold, plus our Origin so cookie mutations pass the CSRF check), a write API key, and
 * nobody at all.
 */
export async function signInCallers(t: TestDatabase): Promise<Callers> {
  const { createStaffUser } = await import("@/server/auth/people");
  const { processServices } = await import("@/app/_lib/services");
  const { handleAuthRequest } = await import("@/server/auth/handler");
  const { SYSTEM_ACTOR, NO_REQUEST } = await import("@/server/audit/write");
  const signIn = async (role: StaffRole) => {
    const email = `fuzz-${role}@fuzz.test`;
    await createStaffUser({
      db: t.db,
      email,
      name: `fuzz ${role}`,
      password: PASSWORD,
      role,
      actor: SYSTEM_ACTOR,
      request: NO_REQUEST,
    });
    const res = await handleAuthRequest(
      processServices().auth,
      new Request(`${BASE}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE },
        body: JSON.stringify({ email, password: PASSWORD }),
      }),
    );
    if (res.status !== 200) throw new Error(`sign-in as ${role}: ${res.status} ${await res.text()}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    return { cookie, origin: BASE };
  };
  const key = await createApiKey({
    db: t.db,
    name: "fuzz-trpc",
    scopes: ["operations:read", "operations:write"],
  });
  return {
    anonymous: {},
    support: await signIn("support"),
    operator: await signIn("operator"),
    admin: await signIn("admin"),
    key: { authorization: `Bearer ${key.secret}` },
  };
}
