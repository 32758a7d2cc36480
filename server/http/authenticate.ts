import type { Db } from "@/db/client";
import { principalFromAuthorization } from "@/server/auth/api-keys";
import { type ApiKeyScope, hasScope, type Principal } from "@/server/domain/principal";
import { problem } from "./problem";

/** The principal when it holds `scope`, else the 401/403 problem to answer with. */
export async function requireScope(
  db: Db,
  request: Request,
  scope: ApiKeyScope,
): Promise<{ ok: true; principal: Principal } | { ok: false; response: Response }> {
  const principal = await principalFromAuthorization(db, request.headers.get("authorization"));
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
