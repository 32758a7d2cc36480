import { z } from "zod";
import { PROVIDERS, SIM_CALLBACK_MODES } from "@/db/schema";
import { jsonFits } from "@/server/operations/json-size";

// Stored as float4 (real): a rate like 7e-284 is out of its range and made setFault a 500.
const rate = z
  .number()
  .min(0)
  .max(1)
  .refine((v) => v === 0 || v >= 1e-6, "A rate is 0 or at least one in a million.");
const ZFaultSettings = z.object({
  provider: z.enum(PROVIDERS),
  latencyMs: z.number().int().min(0).max(120_000),
  transientErrorRate: rate,
  permanentErrorRate: rate,
  loseAnswerRate: rate,
});

export const ZListFaultsResponseSchema = z.object({
  providers: z.array(ZFaultSettings.extend({ updatedAt: z.date().nullable() })),
});
export const ZSetFaultRequestSchema = ZFaultSettings.strict();
export const ZSetFaultResponseSchema = ZFaultSettings.extend({ updatedAt: z.date().nullable() });
export const ZResetFaultsResponseSchema = z.object({ ok: z.literal(true) });

// The sandbox's controls over the simulated world (SANDBOX_CONTROLS): bounded like the order's items.
export const ZRestockRequestSchema = z.strictObject({
  sku: z.string().trim().min(1).max(64),
  quantity: z.number().int().min(1).max(1000),
});
export const ZCancelShopOrderRequestSchema = z.strictObject({ orderId: z.string().trim().min(1).max(64) });
/** How many blocked operations were asked to check again at once. */
export const ZSandboxControlResponseSchema = z.object({ rechecks: z.number().int() });

// The simulated carrier's pickup callback (issue 12): how it answers, set from the sandbox page.
export const ZCallbackSettingsSchema = z.object({
  mode: z.enum(SIM_CALLBACK_MODES),
  delayMs: z.number().int().min(0).max(86_400_000),
  updatedAt: z.date().nullable(),
});
export const ZSetCallbackSettingsRequestSchema = z.strictObject({
  mode: z.enum(SIM_CALLBACK_MODES),
  delayMs: z.number().int().min(0).max(86_400_000),
});

/** What the sandbox shows of any open wait (server/presenters/sandbox/open-wait.ts). */
const ZOpenWait = z.object({
  waitId: z.string(),
  operationId: z.string(),
  reference: z.string().nullable(),
  type: z.string(),
  step: z.string(),
  stepTitle: z.string(),
  stage: z.string(),
  since: z.date(),
});

/** The open acknowledgment waits the sandbox can answer by hand. */
export const ZSandboxWaitsResponseSchema = z.object({
  waits: z.array(
    ZOpenWait.extend({
      target: z.string(),
      deadlineAt: z.date().nullable(),
      heartbeat: z.boolean(),
      heartbeatDeadlineAt: z.date().nullable(),
      examplePayload: z.unknown(),
    }),
  ),
});

export const ZSandboxTimersResponseSchema = z.object({
  timers: z.array(
    ZOpenWait.extend({
      dueAt: z.date(),
    }),
  ),
});

/** The acknowledgment's payload as a person enters it: any JSON value, at most 16 KB (the step's schema decides). */
const ZPayload = z.unknown().refine((v) => jsonFits(v, 16_384), "The payload is larger than 16 KB.");

/** What the outside system would send to the callback URL, fired by a person from the sandbox. */
export const ZSandboxAcknowledgeRequestSchema = z.strictObject({
  operationId: z.uuid(),
  step: z.string().min(1).max(100),
  signal: z.discriminatedUnion("status", [
    z.strictObject({ status: z.literal("succeeded"), payload: ZPayload }),
    z.strictObject({
      status: z.literal("failed"),
      errorClass: z.enum(["transient", "permanent", "needs_person"]),
      message: z.string().trim().min(1).max(500),
    }),
    z.strictObject({ status: z.literal("heartbeat") }),
  ]),
});

/** As the callback endpoint would have answered: accepted (or replayed), conflict, gone, or a heartbeat. */
export const ZSandboxAcknowledgeResponseSchema = z.object({
  answer: z.enum(["accepted", "replayed", "conflict", "gone", "heartbeat"]),
  /** The words the page shows for the answer. */
  message: z.string(),
  auditSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
