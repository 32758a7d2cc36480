import { z } from "zod";
import { BLOCK_KINDS } from "@/server/domain/statuses";
import { isBlockCause, MAX_BLOCK_CAUSE_LENGTH } from "@/server/presenters/inbox/block-cause";

export const ZBlockCauseKey = z
  .string()
  .max(MAX_BLOCK_CAUSE_LENGTH)
  .refine(isBlockCause, "Not a cause of blocked work.");

/** One cause (an inbox group), or every cause of one block kind; within one workflow type. */
export const ZGetBlockedCauseRequestSchema = z.strictObject({
  cause: ZBlockCauseKey.nullish(),
  kind: z.enum(BLOCK_KINDS).nullish(),
  type: z.string().min(1).max(100),
  cursor: z.string().max(200).nullish(),
});

export const ZGetBlockedCauseResponseSchema = z.object({
  count: z.number().int(),
  firstSeen: z.date().nullable(),
  lastSeen: z.date().nullable(),
  reason: z.string().nullable(),
  actionRequired: z.string().nullable(),
  rows: z.array(
    z.object({
      id: z.uuid(),
      reference: z.string().nullable(),
      subject: z.string().nullable(),
      reason: z.string(),
      since: z.date(),
    }),
  ),
  next: z.string().nullable(),
});
