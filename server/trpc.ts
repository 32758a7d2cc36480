import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { ContextInner } from "./context";
import { DomainError } from "./routers/domain-error";

const t = initTRPC.context<ContextInner>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const domain = error.cause instanceof DomainError ? error.cause.toData() : null;
    return { ...shape, data: { ...shape.data, stack: undefined, domain } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone: only for what is public anyway (e.g. a track link's own operation). */
export const publicProcedure = t.procedure;

/** Staff or an API key: the narrowed ctx.principal is never anonymous. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.principal.kind === "anonymous") throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});
