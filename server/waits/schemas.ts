import { z } from "zod";
import { WAIT_OUTCOMES, WAIT_STATES } from "@/server/domain/waits";

const failureClass = z.enum(["transient", "permanent", "needs_person"]);

/** An acknowledgment by API key: done with the step's payload, or a classified failure. */
export const ZAcknowledgmentRequestSchema = z
  .discriminatedUnion("status", [
    z
      .object({
        status: z.literal("succeeded"),
        payload: z.unknown().meta({ description: "Validated against the waiting step's own schema." }),
      })
      .strict(),
    z
      .object({
        status: z.literal("failed"),
        errorClass: failureClass.meta({
          description:
            "transient: try the effect again; permanent: fail and compensate; needs_person: block.",
        }),
        message: z.string().trim().min(1).max(500),
        code: z
          .string()
          .regex(/^[a-z][a-z0-9_]{0,62}$/)
          .optional(),
      })
      .strict(),
  ])
  .meta({ id: "AcknowledgmentRequest" });

/** What a callback URL takes: an acknowledgment, or a heartbeat that keeps the wait alive. */
export const ZCallbackRequestSchema = z
  .union([ZAcknowledgmentRequestSchema, z.object({ status: z.literal("heartbeat") }).strict()])
  .meta({ id: "CallbackRequest" });

export const ZWaitResourceSchema = z
  .object({
    id: z.string(),
    operationId: z.string(),
    step: z.string(),
    state: z.enum(WAIT_STATES),
    outcome: z.enum(WAIT_OUTCOMES).nullable(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: "Wait" });

export const ZAcknowledgmentResponseSchema = z
  .object({ wait: ZWaitResourceSchema, replayed: z.boolean() })
  .meta({ id: "AcknowledgmentResponse" });

export const ZHeartbeatResponseSchema = z
  .object({ heartbeatDeadlineAt: z.string() })
  .meta({ id: "HeartbeatResponse" });
