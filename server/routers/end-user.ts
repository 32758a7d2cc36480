import { TRPCError } from "@trpc/server";
import { reasonProblem } from "@/server/actions/plans";
import { auditActorOf } from "@/server/audit/write";
import type { StaffPrincipal } from "@/server/auth/session";
import { verifyTrackToken } from "@/server/auth/track-token";
import type { ContextInner } from "@/server/trpc/context";
import { domainError } from "@/server/trpc/domain-error";
import { protectedProcedure, publicProcedure, router } from "@/server/trpc/init";
import { actionProcedure, RateLimited } from "@/server/trpc/rate-limited";
import type { EndUserSubmitResult } from "@/server/waits/end-user-action";
import {
  ZAnswerForCustomerRequestSchema,
  ZAnswerRequestSchema,
  ZAnswerResponseSchema,
  ZWaitingRequestSchema,
  ZWaitingResponseSchema,
} from "./end-user.types";

/** The typed refusals, one per outcome; the track page words them for the end user. */
function toResponse(result: EndUserSubmitResult) {
  switch (result.type) {
    case "accepted":
      return { replayed: result.replayed };
    case "not_found":
      throw domainError("not_found", "This link is not valid.");
    case "expired":
      throw domainError("invalid_token", "This link has expired.");
    case "not_open":
      throw domainError("invalid_state", "Nothing is waiting for an answer here any more.");
    case "conflict":
      throw domainError("already_done", "This was already answered; the first answer stands.");
    case "invalid":
      throw domainError(
        "invalid_input",
        "Some fields are missing or not as expected.",
        result.issues.map((i) => ({ pointer: `/values/${i.path}`, detail: i.message })),
      );
  }
}

/** Per link (its operation) and client address: a person typing, not a script. */
function takeFormBudget(ctx: ContextInner, operationId: string) {
  const budget = ctx.services.limits.forms.take(`${operationId}|${ctx.request.clientAddress ?? "unknown"}`);
  if (!budget.ok) {
    const cause = new RateLimited(budget.retryAfterS);
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
  }
}

/**
 * A step's end-user form (issue 12). `answer` is public: the track link's signed token is the
 * only authority, and it grants exactly this — answering the form of its own operation while
 * that operation is blocked on the end user. Cross-site posting: a tRPC mutation takes only a
 * JSON body (text/plain or form-encoded posts are refused 415 by the adapter, and a cross-site
 * JSON post needs a CORS preflight we never grant), and the Origin (else Referer) must be one
 * of ours, so a multipart form on another site is refused too. `answerForCustomer` is staff
 * answering for the customer, with a reason, audited under their name.
 */
export const endUserRouter = router({
  answer: publicProcedure
    .input(ZAnswerRequestSchema)
    .output(ZAnswerResponseSchema)
    .mutation(async ({ ctx, input }) => {
      if (!ctx.originTrusted)
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "Cross-site request refused: reload the page and retry.",
        });
      const granted = verifyTrackToken(input.token);
      // Budgeted per link before any database work; a forged link costs nothing but is refused.
      if (granted.ok) takeFormBudget(ctx, granted.operationId);
      const result = await ctx.services.endUserActions.submit({ token: input.token }, input.values, {
        kind: "link",
        request: ctx.request,
      });
      return toResponse(result);
    }),

  /** Staff: whether the operation waits for its customer, since when, and the form (null if not). */
  waiting: protectedProcedure
    .input(ZWaitingRequestSchema)
    .output(ZWaitingResponseSchema)
    .query(({ ctx, input }) => ctx.services.presenters.endUserWait.call(input.operationId)),

  answerForCustomer: actionProcedure
    .input(ZAnswerForCustomerRequestSchema)
    .output(ZAnswerResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const issue = reasonProblem(input.reason);
      if (issue) throw domainError("invalid_input", issue, [{ pointer: "/reason", detail: issue }]);
      const principal = ctx.principal as StaffPrincipal;
      const result = await ctx.services.endUserActions.submit(
        { operationId: input.operationId },
        input.values,
        {
          kind: "staff",
          actor: auditActorOf(principal),
          email: principal.email,
          reason: input.reason.trim(),
          request: ctx.request,
        },
      );
      return toResponse(result);
    }),
});
