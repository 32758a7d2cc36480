import { isDatabaseUnavailable } from "@/db/errors";
import type { Principal } from "@/server/domain/principal";
import { STAFF_ROLES, type StaffRole } from "@/server/domain/roles";
import type { Auth } from "./auth";

export type StaffPrincipal = Extract<Principal, { kind: "staff" }>;

/**
 * The staff member signed in by the request's session cookie, or null. Deactivated
 * people and unknown roles count as signed out, whatever their cookie says.
 */
export async function staffFromHeaders(auth: Auth, headers: Headers): Promise<StaffPrincipal | null> {
  if (!headers.get("cookie")) return null;
  const found = await auth.api.getSession({ headers }).catch((error: unknown) => {
    // An outage is not "signed out": answered 503 (and the banner), never a trip to sign-in.
    if (isDatabaseUnavailable(error)) throw error;
    return null;
  });
  if (!found) return null;
  const { user } = found;
  const role = user.role as string | undefined;
  if (user.deactivatedAt || !role || !(STAFF_ROLES as readonly string[]).includes(role)) return null;
  return { kind: "staff", userId: user.id, email: user.email, role: role as StaffRole };
}
