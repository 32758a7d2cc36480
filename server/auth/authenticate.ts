import type { Db } from "@/db/client";
import { requestDeadlineMs, withDatabaseDeadline } from "@/db/errors";
import type { Principal } from "@/server/domain/principal";
import { principalFromAuthorization } from "./api-keys";
import type { Auth } from "./auth";
import { staffFromHeaders } from "./session";

/** How the principal was established: a staff session cookie, a bearer API key, or neither. */
export type AuthenticatedVia = "session" | "key" | "none";

/**
 * Who is asking, from a request's headers: a bearer API key when one is sent (cookies are
 * then ignored), else the staff session cookie, else anonymous.
 */
export function principalFromHeaders(
  deps: { db: Db; auth: Auth },
  headers: Headers,
): Promise<{ principal: Principal; via: AuthenticatedVia }> {
  // A database read that runs before any procedure or route deadline (the tRPC context, a
  // server component): bounded here, so a stalled PostgreSQL is "unavailable", not a hang.
  return withDatabaseDeadline(resolvePrincipal(deps, headers), requestDeadlineMs());
}

async function resolvePrincipal(
  deps: { db: Db; auth: Auth },
  headers: Headers,
): Promise<{ principal: Principal; via: AuthenticatedVia }> {
  const authorization = headers.get("authorization");
  if (authorization) {
    const key = await principalFromAuthorization(deps.db, authorization);
    return { principal: key, via: key.kind === "key" ? "key" : "none" };
  }
  const staff = await staffFromHeaders(deps.auth, headers);
  return staff ? { principal: staff, via: "session" } : { principal: { kind: "anonymous" }, via: "none" };
}
