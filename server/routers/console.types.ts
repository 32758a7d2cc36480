import { z } from "zod";
import { EVENT_TYPES } from "@/server/domain/events";
import { BLOCK_KINDS, ERROR_CLASSES, OPERATION_STATUSES, STEP_STATUSES } from "@/server/domain/statuses";

/** Shared pieces of the console's procedure schemas. Dates travel as Dates (superjson). */
export const ZStatus = z.enum(OPERATION_STATUSES);
export const ZCursor = z.string().max(16_384);
/**
 * A date a caller sends (filters, ranges): JavaScript dates reach ±275,760 years, PostgreSQL's
 * timestamptz only 4713 BC to 294276 AD, and a year -83,700 made the audit list a 500. Bounded to
 * what a filter can mean.
 */
export const ZInputDate = z
  .date()
  .min(new Date("1970-01-01T00:00:00Z"), "Dates start at 1970.")
  .max(new Date("9999-12-31T23:59:59Z"), "Dates end at 9999.");
const ms = z.number().nullable();

export const ZTimelineEntrySchema = z.object({
  id: z.number().int(),
  type: z.enum(EVENT_TYPES),
  step: z.string().nullable(),
  actor: z.string(),
  at: z.date(),
  attempt: z.number().nullable(),
  durationMs: ms,
  errorClass: z.enum(ERROR_CLASSES).nullable(),
  message: z.string().nullable(),
  code: z.string().nullable(),
  retryAt: z.date().nullable(),
  blockKind: z.enum(BLOCK_KINDS).nullable(),
  actionRequired: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  requestHash: z.string().nullable(),
});

export const ZAttemptSchema = z.object({
  step: z.string(),
  attempt: z.number().int(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  durationMs: ms,
  outcome: z.enum(["running", "succeeded", "failed"]),
  errorClass: z.enum(ERROR_CLASSES).nullable(),
  message: z.string().nullable(),
  retryAt: z.date().nullable(),
  compensation: z.boolean(),
});

export const ZSegmentSchema = z.object({
  kind: z.enum(["queue", "run", "backoff", "blocked", "scheduled", "commit"]),
  label: z.string(),
  step: z.string().nullable(),
  start: z.date(),
  end: z.date().nullable(),
  ms: z.number(),
});

export const ZStepStatus = z.enum(STEP_STATUSES);
export const ZBlockKind = z.enum(BLOCK_KINDS);
