import { z } from "zod";
import { MAX_REASON_LENGTH } from "@/server/actions/plans";
import { PAUSE_INTAKE_MODES } from "@/server/domain/pauses";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import { jsonFits } from "@/server/operations/json-size";

const ZOperationId = z.uuid();
const ZStep = z.string().min(1).max(100);
/** The sentence every action requires; the core checks it is a real one. */
const ZReason = z.string().max(MAX_REASON_LENGTH + 100);
/** A manually entered step output: any JSON value, at most 16 KB of it. */
const ZManualOutput = z.unknown().refine((v) => jsonFits(v, 16_384), "The output is larger than 16 KB.");

/** Inputs that write are strict: an unknown key is refused, never silently carried along. */
export const ZOperationActionRequestSchema = z.strictObject({ operationId: ZOperationId, reason: ZReason });
export const ZStepActionRequestSchema = ZOperationActionRequestSchema.extend({ step: ZStep });
export const ZSkipStepRequestSchema = ZStepActionRequestSchema.extend({ output: ZManualOutput.optional() });

export const ZActionResponseSchema = z.object({
  operationId: z.string(),
  statusBefore: z.enum(OPERATION_STATUSES),
  statusAfter: z.enum(OPERATION_STATUSES),
  auditSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

const ZStepRef = z.object({ step: z.string(), title: z.string() });
const ZConsequences = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("undo"),
    undo: z.array(ZStepRef.extend({ description: z.string() })),
    cannotUndo: z.array(ZStepRef.extend({ why: z.string() })),
    notRun: z.array(ZStepRef),
    running: ZStepRef.nullable(),
  }),
  z.object({ kind: z.literal("skip"), runNext: z.array(ZStepRef), guards: z.string().nullable() }),
]);

export const ZGetAvailableActionsRequestSchema = z.object({ operationId: ZOperationId });
export const ZGetAvailableActionsResponseSchema = z.object({
  /** Whether the caller's role may act at all (support may not). */
  canAct: z.boolean(),
  actions: z.array(
    z.object({
      action: z.enum([
        "retry",
        "replay",
        "resume",
        "approve",
        "reject",
        "skip",
        "compensate",
        "cancel",
        "run_now",
      ]),
      step: z.string().nullable(),
      /** What it will do, from the plan and the workflow (server/actions/consequences.ts). */
      consequences: ZConsequences.nullable(),
    }),
  ),
});

export const ZPauseWorkflowRequestSchema = z.strictObject({
  workflowType: z.string().min(1).max(100),
  intake: z.enum(PAUSE_INTAKE_MODES),
  reason: ZReason,
});
export const ZPauseWorkflowResponseSchema = z.object({ intake: z.enum(PAUSE_INTAKE_MODES) });
export const ZResumeWorkflowRequestSchema = z.strictObject({
  workflowType: z.string().min(1).max(100),
  reason: ZReason,
});
export const ZResumeWorkflowResponseSchema = z.object({ operations: z.number().int() });

export const ZListPausesResponseSchema = z.object({
  pauses: z.array(
    z.object({
      workflowType: z.string(),
      intake: z.enum(PAUSE_INTAKE_MODES),
      reason: z.string(),
      pausedBy: z.string(),
      pausedAt: z.date(),
    }),
  ),
});
