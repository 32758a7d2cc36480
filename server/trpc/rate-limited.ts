import { TRPCError } from "@trpc/server";
import { type CallerLimits, callerKey } from "@/server/auth/caller-limits";
import type { ContextInner } from "./context";
import { operatorProcedure, scopedProcedure } from "./init";

/** Why a call was refused with TOO_MANY_REQUESTS: the route turns it into a Retry-After header. */
export class RateLimited extends Error {
  constructor(readonly retryAfterS: number) {
    super(`Too many requests; retry in ${retryAfterS} s.`);
  }
}

/** The seconds to wait carried by a tRPC error, when it is a rate-limit refusal. */
export const retryAfterOf = (error: TRPCError): number | null =>
  error.code === "TOO_MANY_REQUESTS" && error.cause instanceof RateLimited ? error.cause.retryAfterS : null;

function take(ctx: ContextInner, which: keyof CallerLimits) {
  const budget = ctx.services.limits[which].take(callerKey(ctx.principal));
  if (!budget.ok) {
    const cause = new RateLimited(budget.retryAfterS);
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
  }
}

/**
 * Operator mutations (every action and bulk command) within the caller's actions budget. After
 * the role gate, so a refused caller spends nothing; queries built on it are not counted.
 */
export const actionProcedure = operatorProcedure.use(({ ctx, type, next }) => {
  if (type === "mutation") take(ctx, "actions");
  return next();
});

/** Starting an operation over tRPC: the same intake budget per caller as POST /api/v1/operations. */
export const intakeProcedure = scopedProcedure("operations:write", "operator").use(({ ctx, next }) => {
  take(ctx, "intake");
  return next();
});
