import { initTRPC, TRPCError } from "@trpc/server";
import { decide, type Gate } from "@/server/auth/roles";
import type { StaffPrincipal } from "@/server/auth/session";
import type { ApiKeyScope, Principal } from "@/server/domain/principal";
import type { StaffRole } from "@/server/domain/roles";
import type { ContextInner } from "./context";
import { DomainError } from "./domain-error";
import { guardedTransformer, hostileInputError, inputIssues } from "./input-guard";

const t = initTRPC.context<ContextInner>().create({
  transformer: guardedTransformer,
  errorFormatter({ shape, error }) {
    const domain = error.cause instanceof DomainError ? error.cause.toData() : null;
    return { ...shape, data: { ...shape.data, stack: undefined, domain } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * CSRF: a mutation authenticated by the session cookie must come from one of our own
 * pages (trusted Origin). API keys are not ambient credentials and need no such check.
 */
const base = t.procedure.use(({ ctx, type, next }) => {
  if (type === "mutation" && ctx.via === "session" && !ctx.originTrusted) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Cross-site request refused: reload the page and retry.",
    });
  }
  return next();
});

/**
 * Every builder below ends with this, so it runs after the permission check and before the
 * procedure's own input schema: a NUL, an unpaired surrogate or nesting deeper than the body limit
 * anywhere in the input is a BAD_REQUEST naming the field, and the procedure never runs.
 */
const guardInput = t.middleware(async ({ getRawInput, next }) => {
  const issues = inputIssues(await getRawInput());
  if (issues.length > 0) throw hostileInputError(issues);
  return next();
});

/** Anyone: only for what is public anyway (e.g. a track link's own operation, first-run setup). */
export const publicProcedure = base.use(guardInput);

function gated<P extends Principal>(gate: Gate) {
  return base
    .use(({ ctx, next }) => {
      const decision = decide(ctx.principal, gate);
      if (!decision.ok) throw new TRPCError({ code: decision.code, message: decision.message });
      return next({ ctx: { ...ctx, principal: ctx.principal as P } });
    })
    .use(guardInput);
}

/** Signed-in staff of at least `role`. */
const staffProcedureFor = (role: StaffRole) => gated<StaffPrincipal>({ role });

/** Any signed-in staff member (support, operator, admin): reading and searching. */
export const protectedProcedure = staffProcedureFor("support");
/** Operators and admins: actions that change operations. */
export const operatorProcedure = staffProcedureFor("operator");
/** Admins: people, roles, API keys, settings, the audit chain. */
export const adminProcedure = staffProcedureFor("admin");

/**
 * Staff of at least `role`, or an API key holding `scope`: the few procedures other
 * services may also call. `ctx.principal` is then staff or key, never anonymous.
 */
export function scopedProcedure(scope: ApiKeyScope, role: StaffRole) {
  return gated<Exclude<Principal, { kind: "anonymous" }>>({ role, scope });
}
