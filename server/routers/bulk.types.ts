import { z } from "zod";
import { MAX_REASON_LENGTH } from "@/server/actions/plans";
import { BULK_CAP } from "@/server/bulk/bulk-action";
import { MAX_BULK_TEXT } from "@/server/bulk/text-filter";
import { BULK_ACTION_KINDS, BULK_OUTCOMES, BULK_STATUSES } from "@/server/domain/bulk";
import { BLOCK_KINDS, OPERATION_STATUSES } from "@/server/domain/statuses";
import { jsonFits } from "@/server/operations/json-size";
import { isBlockCause, MAX_BLOCK_CAUSE_LENGTH } from "@/server/presenters/inbox/block-cause";
import { ZInputDate } from "./console.types";

const ZReason = z.string().max(MAX_REASON_LENGTH + 100);

export const ZBulkFilterSchema = z.strictObject({
  workflowType: z.string().min(1).max(100),
  statuses: z.array(z.enum(OPERATION_STATUSES)).max(5).default([]),
  step: z.string().min(1).max(100).optional(),
  since: ZInputDate.optional(),
  until: ZInputDate.optional(),
  blockedKind: z.enum(BLOCK_KINDS).optional(),
  /** A cause key from the inbox (`kind~step~signature`). */
  cause: z
    .string()
    .max(MAX_BLOCK_CAUSE_LENGTH)
    .refine(isBlockCause, "Not a cause of blocked work.")
    .optional(),
  /** The search box's text, when the bulk action starts from a search. */
  text: z.string().trim().min(1).max(MAX_BULK_TEXT).optional(),
});

export const ZDryRunBulkRequestSchema = z.strictObject({
  filter: ZBulkFilterSchema,
  action: z.enum(BULK_ACTION_KINDS),
  step: z.string().min(1).max(100).optional(),
  output: z
    .unknown()
    .refine((v) => jsonFits(v, 16_384), "The output is larger than 16 KB.")
    .optional(),
  reason: ZReason,
  canarySize: z.number().int().min(1).max(20).default(3),
});
export const ZDryRunBulkResponseSchema = z.object({
  bulkActionId: z.string(),
  count: z.number().int(),
  canarySize: z.number().int(),
});

/** `count` repeats the dry run's count (what the operator saw); never more than a bulk action may touch. */
export const ZConfirmBulkRequestSchema = z.strictObject({
  bulkActionId: z.uuid(),
  count: z.number().int().min(0).max(BULK_CAP),
});
export const ZChangeBulkRequestSchema = z.strictObject({
  bulkActionId: z.uuid(),
  change: z.enum(["pause", "resume", "abort"]),
  reason: ZReason,
});
export const ZBulkStatusResponseSchema = z.object({ status: z.enum(BULK_STATUSES) });

export const ZGetBulkRequestSchema = z.object({ bulkActionId: z.uuid() });
export const ZGetBulkResponseSchema = z.object({
  id: z.string(),
  action: z.enum(BULK_ACTION_KINDS),
  step: z.string().nullable(),
  filter: z.object({
    workflowType: z.string(),
    statuses: z.array(z.string()),
    step: z.string().nullable(),
    since: z.string().nullable(),
    until: z.string().nullable(),
    blockedKind: z.enum(BLOCK_KINDS).nullable().default(null),
    cause: z.string().nullable().default(null),
  }),
  reason: z.string(),
  status: z.enum(BULK_STATUSES),
  note: z.string().nullable(),
  targetCount: z.number().int(),
  canarySize: z.number().int(),
  canaryPassed: z.boolean(),
  createdByLabel: z.string(),
  createdAt: z.date(),
  confirmedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  counts: z.record(z.enum(BULK_OUTCOMES), z.number().int()),
  targets: z.array(
    z.object({
      position: z.number().int(),
      operationId: z.string(),
      reference: z.string().nullable(),
      status: z.enum(OPERATION_STATUSES).nullable(),
      currentStep: z.string().nullable(),
      outcome: z.enum(BULK_OUTCOMES),
      message: z.string().nullable(),
    }),
  ),
});

export const ZListBulkResponseSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      action: z.enum(BULK_ACTION_KINDS),
      step: z.string().nullable(),
      status: z.enum(BULK_STATUSES),
      targetCount: z.number().int(),
      reason: z.string(),
      createdByLabel: z.string(),
      createdAt: z.date(),
    }),
  ),
});
