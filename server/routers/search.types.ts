import { z } from "zod";
import { WAIT_KINDS, WAIT_OUTCOMES, WAIT_STATES } from "@/server/domain/waits";
import { SEARCH_SORTS } from "@/server/presenters/search/search-sorts";
import {
  ZAttemptSchema,
  ZBlockKind,
  ZCursor,
  ZInputDate,
  ZSegmentSchema,
  ZStatus,
  ZStepStatus,
  ZTimelineEntrySchema,
} from "./console.types";

export const ZSearchOperationsRequestSchema = z.object({
  q: z.string().max(500).nullish(),
  type: z.string().max(100).nullish(),
  version: z.number().int().min(1).max(10_000).nullish(),
  statuses: z.array(ZStatus).max(5).optional(),
  step: z.string().max(100).nullish(),
  from: ZInputDate.nullish(),
  to: ZInputDate.nullish(),
  synthetic: z.boolean().nullish(),
  sort: z.enum(SEARCH_SORTS).default("accepted_desc"),
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const ZSearchOperationsResponseSchema = z.object({
  rows: z.array(
    z.object({
      id: z.uuid(),
      type: z.string(),
      version: z.number().int(),
      status: ZStatus,
      reference: z.string().nullable(),
      subject: z.string().nullable(),
      currentStep: z.string().nullable(),
      currentStepTitle: z.string().nullable(),
      blockedKind: ZBlockKind.nullable(),
      problem: z.string().nullable(),
      synthetic: z.boolean(),
      createdAt: z.date(),
      updatedAt: z.date(),
      completedAt: z.date().nullable(),
      matched: z.enum(["id", "reference", "subject", "idempotency_key", "error"]).nullable(),
    }),
  ),
  /** Matches counted up to a bound; `atLeast`: "more than `count`". */
  total: z.object({ count: z.number().int(), atLeast: z.boolean() }),
  next: z.string().nullable(),
  term: z.enum(["none", "id", "text"]),
});

export const ZGetOperationDetailRequestSchema = z.object({ id: z.uuid() });

export const ZGetOperationDetailResponseSchema = z.object({
  cursor: ZCursor,
  operation: z.object({
    id: z.uuid(),
    type: z.string(),
    version: z.number().int(),
    title: z.string(),
    status: ZStatus,
    statusText: z.string(),
    subject: z.string().nullable(),
    reference: z.string().nullable(),
    submittedBy: z.string(),
    traceId: z.string(),
    synthetic: z.boolean(),
    currentStep: z.string().nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
    completedAt: z.date().nullable(),
    blocked: z.object({ kind: ZBlockKind, reason: z.string(), actionRequired: z.string() }).nullable(),
    error: z
      .object({ message: z.string(), code: z.string().nullable(), step: z.string().nullable() })
      .nullable(),
    input: z.unknown(),
    result: z.unknown(),
    trackPath: z.string().nullable(),
    runbook: z.string().nullable(),
  }),
  steps: z.array(
    z.object({
      name: z.string(),
      title: z.string(),
      userText: z.string(),
      status: ZStepStatus,
      attempts: z.number().int(),
      startedAt: z.date().nullable(),
      finishedAt: z.date().nullable(),
      nextAttemptAt: z.date().nullable(),
      lastError: z
        .object({ message: z.string(), errorClass: z.string().nullable(), code: z.string().nullable() })
        .nullable(),
      output: z.unknown(),
      skipReason: z.string().nullable(),
      outcomeUnknown: z.string().nullable(),
    }),
  ),
  timeline: z.array(ZTimelineEntrySchema.extend({ sinceAcceptedMs: z.number() })),
  attempts: z.array(ZAttemptSchema),
  segments: z.array(ZSegmentSchema),
  idempotency: z.object({
    key: z.string().nullable(),
    requestHash: z.string(),
    scope: z.string(),
    firstAnswer: z.object({ at: z.date(), status: z.literal("accepted"), statusCode: z.literal(202) }),
    replays: z.array(z.object({ at: z.date(), actor: z.string() })),
    conflicts: z.array(z.object({ at: z.date(), actor: z.string(), requestHash: z.string().nullable() })),
  }),
  related: z.array(
    z.object({
      id: z.uuid(),
      type: z.string(),
      status: ZStatus,
      reference: z.string().nullable(),
      createdAt: z.date(),
    }),
  ),
  relatedMore: z.boolean(),
  waits: z.array(
    z.object({
      id: z.string(),
      step: z.string(),
      kind: z.enum(WAIT_KINDS),
      state: z.enum(WAIT_STATES),
      target: z.string(),
      stage: z.string(),
      since: z.date(),
      deadlineAt: z.date().nullable(),
      wakeAt: z.date().nullable(),
      heartbeatMs: z.number().nullable(),
      lastHeartbeatAt: z.date().nullable(),
      heartbeatDeadlineAt: z.date().nullable(),
      outcome: z.enum(WAIT_OUTCOMES).nullable(),
      completedBy: z.string().nullable(),
      completedAt: z.date().nullable(),
      answers: z.array(
        z.object({
          at: z.date(),
          result: z.enum(["accepted", "duplicate", "conflict", "deadline_passed", "expired", "finished"]),
          outcome: z.enum(WAIT_OUTCOMES).nullable(),
          by: z.string().nullable(),
        }),
      ),
    }),
  ),
});
