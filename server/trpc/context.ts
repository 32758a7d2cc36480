import type { RequestMeta } from "@/server/audit/write";
import { type AuthenticatedVia, principalFromHeaders } from "@/server/auth/authenticate";
import { isTrustedOrigin } from "@/server/auth/config";
import { requestMetaFrom } from "@/server/auth/request-meta";
import type { Principal } from "@/server/domain/principal";
import type { Services } from "@/server/services";

export interface ContextInner {
  principal: Principal;
  services: Services;
  /** Request id and client address, recorded with every audited action. */
  request: RequestMeta;
  via: AuthenticatedVia;
  /** The request's Origin/Referer is one of ours (cookie-authenticated mutations need it). */
  originTrusted: boolean;
  /** The caller's W3C `traceparent` header: `operations.start` joins that trace. */
  traceparent: string | null;
}

/** The context without a request: tests and server components build it directly. */
export function createContextInner(options: {
  principal: Principal;
  services: Services;
  request?: RequestMeta;
  via?: AuthenticatedVia;
  originTrusted?: boolean;
  traceparent?: string | null;
}): ContextInner {
  const { principal } = options;
  return {
    principal,
    services: options.services,
    request: options.request ?? { requestId: null, clientAddress: null },
    via: options.via ?? (principal.kind === "staff" ? "session" : principal.kind === "key" ? "key" : "none"),
    originTrusted: options.originTrusted ?? true,
    traceparent: options.traceparent ?? null,
  };
}

/** The fetch adapter's context, over the process's services. */
export async function createContext(options: { req: Request; services: Services }): Promise<ContextInner> {
  const { req, services } = options;
  const { principal, via } = await principalFromHeaders(services, req.headers);
  return createContextInner({
    principal,
    services,
    via,
    request: requestMetaFrom(req.headers),
    originTrusted: isTrustedOrigin(req.headers, services.authSettings),
    traceparent: req.headers.get("traceparent"),
  });
}
