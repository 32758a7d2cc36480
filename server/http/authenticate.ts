import type { Db } from "@/db/client";
import { authenticateApiKey } from "@/server/auth/api-keys";
import { type ApiKeyScope, hasScope, type Principal } from "@/server/auth/principal";
import { problem } from "./problem";

/** Resolves the bearer key of an API request; anything else is anonymous. */
export async function principalFromRequest(db: Db, request: Request): Promise<Principal> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return { kind: "anonymous" };
  return (await authenticateApiKey(db, match[1]!)) ?? { kind: "anonymous" };
}

/** The principal when it holds `scope`, else the 401/403 problem to answer with. */
export async function requireScope(
  db: Db,
  request: Request,
  scope: ApiKeyScope,
): Promise<{ ok: true; principal: Principal } | { ok: false; response: Response }> {
  const principal = await principalFromRequest(db, request);
  if (principal.kind === "anonymous") {
    return {
      ok: false,
      response: problem("unauthorized", {
        detail: "Send a valid API key as `Authorization: Bearer <key>`.",
        headers: { "www-authenticate": 'Bearer realm="throughline"' },
      }),
    };
  }
  if (!hasScope(principal, scope)) {
    return {
      ok: false,
      response: problem("forbidden", { detail: `This key lacks the \`${scope}\` scope.` }),
    };
  }
  return { ok: true, principal };
}
