import "server-only";
import { createContextInner, LOCAL_CONSOLE } from "@/server/context";
import { createCaller } from "@/server/routers/_app";

/** tRPC's server caller for React Server Components: same procedures, same checks, no HTTP hop. */
export function serverCaller() {
  return createCaller(createContextInner({ principal: LOCAL_CONSOLE }));
}
