import type { RequestMeta } from "@/server/audit/write";
import { getAuth } from "@/server/auth/auth";
import { type AuthenticatedVia, principalFromHeaders } from "@/server/auth/authenticate";
import { authSettings, isTrustedOrigin } from "@/server/auth/config";
import type { Principal } from "@/server/auth/principal";
import { requestMetaFrom } from "@/server/auth/request-meta";
import { getServices, type Services } from "@/server/services";

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

/** The fetch adapter's context. */
export async function createContext(options: { req: Request }): Promise<ContextInner> {
  const services = getServices();
  const { principal, via } = await principalFromHeaders(
    { db: services.db, auth: getAuth() },
    options.req.headers,
  );
  return createContextInner({
    principal,
    services,
    via,
    request: requestMetaFrom(options.req.headers),
    originTrusted: isTrustedOrigin(options.req.headers, authSettings()),
  });
}
