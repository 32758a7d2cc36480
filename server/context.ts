import type { RequestMeta } from "@/server/audit/write";
import { getAuth } from "@/server/auth/auth";
import { authSettings, isTrustedOrigin } from "@/server/auth/config";
import type { Principal } from "@/server/auth/principal";
import { requestMetaFrom } from "@/server/auth/request-meta";
import { staffFromHeaders } from "@/server/auth/session";
import { principalFromRequest } from "@/server/http/authenticate";
import { getServices, type Services } from "@/server/services";

/** How the principal was established: a staff session cookie, a bearer API key, or neither. */
export type AuthenticatedVia = "session" | "key" | "none";

export interface ContextInner {
  principal: Principal;
  services: Services;
  /** Request id and client address, recorded with every audited action. */
  request: RequestMeta;
  via: AuthenticatedVia;
  /** The request's Origin/Referer is one of ours (cookie-authenticated mutations need it). */
  originTrusted: boolean;
}

/** The context without a request: tests and server components build it directly. */
export function createContextInner(options: {
  principal: Principal;
  services?: Services;
  request?: RequestMeta;
  via?: AuthenticatedVia;
  originTrusted?: boolean;
}): ContextInner {
  const { principal } = options;
  return {
    principal,
    services: options.services ?? getServices(),
    request: options.request ?? { requestId: null, clientAddress: null },
    via: options.via ?? (principal.kind === "staff" ? "session" : principal.kind === "key" ? "key" : "none"),
    originTrusted: options.originTrusted ?? true,
  };
}

/**
 * Who is asking, from the request: a bearer API key when one is sent (cookies are then
 * ignored), else the staff session cookie, else anonymous.
 */
export async function principalFromHeaders(
  services: Services,
  headers: Headers,
): Promise<{ principal: Principal; via: AuthenticatedVia }> {
  if (headers.get("authorization")) {
    const key = await principalFromRequest(services.db, new Request("http://internal/", { headers }));
    return { principal: key, via: key.kind === "key" ? "key" : "none" };
  }
  const staff = await staffFromHeaders(getAuth(), headers);
  return staff ? { principal: staff, via: "session" } : { principal: { kind: "anonymous" }, via: "none" };
}

/** The fetch adapter's context. */
export async function createContext(options: { req: Request }): Promise<ContextInner> {
  const services = getServices();
  const { principal, via } = await principalFromHeaders(services, options.req.headers);
  return createContextInner({
    principal,
    services,
    via,
    request: requestMetaFrom(options.req.headers),
    originTrusted: isTrustedOrigin(options.req.headers, authSettings()),
  });
}
