import { domainError } from "@/server/trpc/domain-error";
import { router } from "@/server/trpc/init";
import { actionProcedure } from "@/server/trpc/rate-limited";
import { completeWaitByHand } from "@/server/waits/complete-by-hand";
import { ZCompleteByHandRequestSchema, ZCompleteByHandResponseSchema } from "./waits.types";

const GONE_WORDS = {
  deadline_passed:
    "Its deadline has passed: the operation blocks or fails as the step declares; resume or cancel it instead.",
  expired: "Its deadline passed and the wait is over: resume or cancel the operation instead.",
  finished: "The operation has moved on from this wait: nothing was changed.",
} as const;

/** Durable waits in the console (issue 12): an operator completes one by hand, with a reason, audited. */
export const waitsRouter = router({
  completeByHand: actionProcedure
    .input(ZCompleteByHandRequestSchema)
    .output(ZCompleteByHandResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const result = await completeWaitByHand(ctx.services, {
        operationId: input.operationId,
        step: input.step,
        acknowledgment: input.acknowledgment,
        reason: input.reason,
        principal,
        requestMeta: ctx.request,
      });
      switch (result.type) {
        case "completed":
          return {
            waitId: result.waitId,
            statusBefore: result.statusBefore,
            statusAfter: result.statusAfter,
            auditSeq: result.auditSeq,
          };
        case "invalid_reason":
          throw domainError("invalid_input", result.message, [
            { pointer: "/reason", detail: result.message },
          ]);
        case "not_found":
          throw domainError("not_found", `No wait of step "${input.step}" on this operation.`);
        case "invalid":
          throw domainError(
            "invalid_input",
            "The payload is not what the step expects.",
            result.issues.map((i) => ({ pointer: `/acknowledgment/payload/${i.path}`, detail: i.message })),
          );
        case "already_completed":
          throw domainError("wait_completed", "This wait was already completed; the first answer stands.");
        case "expired":
          throw domainError("wait_expired", GONE_WORDS[result.reason]);
      }
    }),
});
