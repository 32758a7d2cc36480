import type { Principal } from "@/server/auth/principal";
import { principalFromRequest } from "@/server/http/authenticate";
import { getServices, type Services } from "@/server/services";

export interface ContextInner {
  principal: Principal;
  services: Services;
}

/** The context without a request: tests and server components build it directly. */
export function createContextInner(options: { principal: Principal; services?: Services }): ContextInner {
  return { principal: options.principal, services: options.services ?? getServices() };
}

/**
 * Until staff sign-in lands, a browser on the console is trusted as a local
 * operator. API keys are always checked, whatever the console does.
 */
export const LOCAL_CONSOLE: Principal = {
  kind: "staff",
  userId: "local-console",
  email: "console@localhost",
  role: "operator",
};

/** The fetch adapter's context: who is asking, from the request. */
export async function createContext(options: { req: Request }): Promise<ContextInner> {
  const services = getServices();
  const fromKey = await principalFromRequest(services.db, options.req);
  return createContextInner({ principal: fromKey.kind === "anonymous" ? LOCAL_CONSOLE : fromKey, services });
}
