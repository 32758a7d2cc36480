import { domainError } from "@/server/trpc/domain-error";
import { operatorProcedure, protectedProcedure, router } from "@/server/trpc/init";
import { actionProcedure } from "@/server/trpc/rate-limited";
import { sendSandboxAcknowledgment } from "@/server/waits/sandbox-acknowledgment";
import {
  ZCallbackSettingsSchema,
  ZCancelShopOrderRequestSchema,
  ZListFaultsResponseSchema,
  ZResetFaultsResponseSchema,
  ZRestockRequestSchema,
  ZSandboxAcknowledgeRequestSchema,
  ZSandboxAcknowledgeResponseSchema,
  ZSandboxControlResponseSchema,
  ZSandboxTimersResponseSchema,
  ZSandboxWaitsResponseSchema,
  ZSetCallbackSettingsRequestSchema,
  ZSetFaultRequestSchema,
  ZSetFaultResponseSchema,
} from "./sandbox.types";

/** What the callback endpoint would have answered, in the sandbox's words. */
const ANSWER_WORDS = {
  accepted: "Accepted: the wait is completed and the operation goes on.",
  replayed:
    "Answered as a duplicate (200, replayed): the first acknowledgment stands; recorded on the timeline.",
  conflict:
    "Refused (409): the wait was already completed by a different acknowledgment; recorded on the timeline.",
  gone: "Refused (410): too late or the operation moved on; recorded on the timeline.",
} as const;

/** Fault injection for the sample providers, for demos and drills. */
export const sandboxRouter = router({
  faults: protectedProcedure
    .output(ZListFaultsResponseSchema)
    .query(async ({ ctx }) => ({ providers: await ctx.services.faults.list() })),

  // Changing faults changes how every operation runs: operators and admins only.
  setFault: operatorProcedure
    .input(ZSetFaultRequestSchema)
    .output(ZSetFaultResponseSchema)
    .mutation(({ ctx, input }) => ctx.services.faults.set(input)),

  // Controls the runbooks name: they change the simulated world, and the blocked operations
  // that re-check on that change are asked to check at once.
  restock: actionProcedure
    .input(ZRestockRequestSchema)
    .output(ZSandboxControlResponseSchema)
    .mutation(({ ctx, input }) => ctx.services.sandbox.restock(input)),

  cancelShopOrder: actionProcedure
    .input(ZCancelShopOrderRequestSchema)
    .output(ZSandboxControlResponseSchema)
    .mutation(({ ctx, input }) => ctx.services.sandbox.cancelShopOrder(input)),

  // The simulated carrier's pickup callback: on time, late (a long delay), duplicated, failing, never.
  callbackSettings: protectedProcedure
    .output(ZCallbackSettingsSchema)
    .query(({ ctx }) => ctx.services.faults.callback()),

  setCallbackSettings: operatorProcedure
    .input(ZSetCallbackSettingsRequestSchema)
    .output(ZCallbackSettingsSchema)
    .mutation(({ ctx, input }) => ctx.services.faults.setCallback(input)),

  // Operations waiting for another system's acknowledgment, to answer by hand as that system.
  waits: protectedProcedure
    .output(ZSandboxWaitsResponseSchema)
    .query(async ({ ctx }) => ({ waits: await ctx.services.presenters.sandboxWaits.call() })),

  // Steps scheduled for later (durable timers), soonest first; run now is actions.runNow.
  timers: protectedProcedure
    .output(ZSandboxTimersResponseSchema)
    .query(async ({ ctx }) => ({ timers: await ctx.services.presenters.sandboxTimers.call() })),

  acknowledge: actionProcedure
    .input(ZSandboxAcknowledgeRequestSchema)
    .output(ZSandboxAcknowledgeResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await sendSandboxAcknowledgment(ctx.services, {
        operationId: input.operationId,
        step: input.step,
        signal: input.signal,
        principal: ctx.principal,
        requestMeta: ctx.request,
      });
      switch (result.type) {
        case "accepted":
          return result.replayed
            ? { answer: "replayed", message: ANSWER_WORDS.replayed, auditSeq: result.auditSeq }
            : { answer: "accepted", message: ANSWER_WORDS.accepted, auditSeq: result.auditSeq };
        case "conflict":
          return { answer: "conflict", message: ANSWER_WORDS.conflict, auditSeq: result.auditSeq };
        case "gone":
          return { answer: "gone", message: ANSWER_WORDS.gone, auditSeq: result.auditSeq };
        case "heartbeat":
          return {
            answer: "heartbeat",
            message: `Heartbeat received: the next one is due by ${result.heartbeatDeadlineAt}.`,
            auditSeq: result.auditSeq,
          };
        case "not_found":
          throw domainError("not_found", `No open wait of step "${input.step}" on this operation.`);
        case "no_heartbeat":
          throw domainError("invalid_input", "This wait declares no heartbeat, or it is over.");
        case "invalid":
          throw domainError(
            "invalid_input",
            "The payload is not what the step expects.",
            result.issues.map((i) => ({ pointer: `/signal/payload/${i.path}`, detail: i.message })),
          );
      }
    }),

  reset: operatorProcedure.output(ZResetFaultsResponseSchema).mutation(async ({ ctx }) => {
    await ctx.services.faults.reset();
    return { ok: true as const };
  }),
});
