import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { processServices } from "@/app/_lib/services";
import { principalFromHeaders } from "@/server/auth/authenticate";
import { requestMetaFrom } from "@/server/auth/request-meta";
import { createCaller } from "@/server/routers/_app";
import { createContextInner } from "@/server/trpc/context";

/** Who is asking, from this request's cookies; resolved once per render. */
const requestContext = cache(async () => {
  const h = await headers();
  const services = processServices();
  const { principal, via } = await principalFromHeaders(services, h);
  // Renders are reads; server-side mutations (server actions) get Next's own origin check.
  return createContextInner({ principal, services, via, request: requestMetaFrom(h), originTrusted: true });
});

/** tRPC's server caller for React Server Components: same procedures, same checks, no HTTP hop. */
export function serverCaller() {
  return createCaller(requestContext);
}

/** The signed-in staff member, or null: for layouts deciding what to show (never for permission). */
export async function currentStaff() {
  const { principal } = await requestContext();
  return principal.kind === "staff" ? principal : null;
}
