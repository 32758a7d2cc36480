import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/routers/_app";

/** What each tRPC procedure returns, as the browser receives it: `RouterOutputs["area"]["procedure"]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
