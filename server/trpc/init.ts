import { initTRPC, TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { isDatabaseUnavailable, requestDeadlineMs, withDatabaseDeadline } from "@/db/errors";
import { decide, type Gate } from "@/server/auth/roles";
import type { StaffPrincipal } from "@/server/auth/session";
import type { ApiKeyScope, Principal } from "@/server/domain/principal";
import type { StaffRole } from "@/server/domain/roles";
import { logIncident } from "@/server/logger";
import type { ContextInner } from "./context";
import {
  DomainError,
  databaseUnavailableData,
  databaseUnavailableError,
  isDatabaseUnavailableError,
} from "./domain-error";
import { guardedTransformer, hostileInputError, inputIssues } from "./input-guard";
import { liveSseOptions } from "./live-streams";

const t = initTRPC.context<ContextInner>().create({
  transformer: guardedTransformer,
  // Keep-alive pings, the browser's reconnect after silence, a bounded stream life (issue 15 hole 9).
  sse: liveSseOptions(),
  errorFormatter({ shape, error, path }) {
    // Thrown while building the context (the session or API key lookup), an outage never met
    // the procedure middleware below: typed here, so no caller ever sees a 500 for it.
    if (isDatabaseUnavailableError(error)) {
      const domain = databaseUnavailableData();
      return {
        ...shape,
        message: domain.userMessage,
        code: TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE,
        data: {
          ...shape.data,
          code: "SERVICE_UNAVAILABLE" as const,
          httpStatus: 503,
          stack: undefined,
          domain,
        },
      };
    }
    const domain = error.cause instanceof DomainError ? error.cause.toData() : null;
    if (error.code === "INTERNAL_SERVER_ERROR") {
      // A bug or an unforeseen refusal: its message is the thrown error's own (a driver's quotes
      // the SQL and its parameters). The caller gets an incident to quote; the log, the details.
      const incidentId = logIncident(error.cause ?? error, { path }, "unexpected error in a tRPC procedure");
      return {
        ...shape,
        message: `Something went wrong on our side. Quote incident ${incidentId} when reporting it.`,
        data: { ...shape.data, stack: undefined, domain, incidentId },
      };
    }
    return { ...shape, data: { ...shape.data, stack: undefined, domain } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * CSRF: a mutation authenticated by the session cookie must come from one of our own
 * pages (trusted Origin). API keys are not ambient credentials and need no such check.
 */
const base = t.procedure
  .use(async ({ type, next }) => {
    // Issue 15 hole 2: an unreachable or stalled database is the typed SERVICE_UNAVAILABLE error,
    // and a query or mutation gets no longer than the request deadline (a subscription is a
    // stream: it has none).
    let result: Awaited<ReturnType<typeof next>>;
    try {
      result =
        type === "subscription" ? await next() : await withDatabaseDeadline(next(), requestDeadlineMs());
    } catch (error) {
      throw isDatabaseUnavailable(error) ? databaseUnavailableError(error) : error;
    }
    if (!result.ok && isDatabaseUnavailableError(result.error))
      throw databaseUnavailableError(result.error.cause);
    return result;
  })
  .use(({ ctx, type, next }) => {
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
