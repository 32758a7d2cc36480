import { z } from "zod";
import { MAX_REASON_LENGTH } from "@/server/actions/plans";
import { MAX_END_USER_FIELDS, MAX_END_USER_VALUE } from "@/server/workflows/kit/end-user-action";

/** A track link's token (as track.get takes it). */
const ZTrackToken = z.string().min(1).max(200);

/**
 * The answer as sent: field name → text, bounded here before the step's own strict schema
 * (server/workflows/kit/end-user-action.ts) decides which fields and values it takes.
 */
const ZAnswerValues = z
  .record(z.string().min(1).max(40), z.string().max(MAX_END_USER_VALUE))
  .refine((v) => Object.keys(v).length <= MAX_END_USER_FIELDS, `At most ${MAX_END_USER_FIELDS} fields.`);

/** Strict: an unknown key is refused, never silently carried along. */
export const ZAnswerRequestSchema = z.strictObject({ token: ZTrackToken, values: ZAnswerValues });

export const ZAnswerForCustomerRequestSchema = z.strictObject({
  operationId: z.uuid(),
  values: ZAnswerValues,
  reason: z.string().max(MAX_REASON_LENGTH + 100),
});

export const ZAnswerResponseSchema = z.object({ replayed: z.boolean() });

export const ZWaitingRequestSchema = z.object({ operationId: z.uuid() });
export const ZWaitingResponseSchema = z
  .object({
    step: z.string(),
    stepTitle: z.string(),
    waitingFor: z.string(),
    since: z.date(),
    form: z.object({
      title: z.string(),
      submitText: z.string(),
      fields: z.array(
        z.object({
          name: z.string(),
          label: z.string(),
          help: z.string().nullable(),
          autoComplete: z.string().nullable(),
        }),
      ),
    }),
  })
  .nullable();
