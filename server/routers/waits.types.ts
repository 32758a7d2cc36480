import { z } from "zod";
import { MAX_REASON_LENGTH } from "@/server/actions/plans";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import { jsonFits } from "@/server/operations/json-size";

/** The acknowledgment's payload as a person enters it: any JSON value, at most 16 KB (the step's schema decides). */
const ZPayload = z.unknown().refine((v) => jsonFits(v, 16_384), "The payload is larger than 16 KB.");

export const ZCompleteByHandRequestSchema = z.strictObject({
  operationId: z.uuid(),
  step: z.string().min(1).max(100),
  reason: z.string().max(MAX_REASON_LENGTH + 100),
  acknowledgment: z.discriminatedUnion("status", [
    z.strictObject({ status: z.literal("succeeded"), payload: ZPayload }),
    z.strictObject({
      status: z.literal("failed"),
      errorClass: z.enum(["transient", "permanent", "needs_person"]),
      message: z.string().trim().min(1).max(500),
    }),
  ]),
});

export const ZCompleteByHandResponseSchema = z.object({
  waitId: z.string(),
  statusBefore: z.enum(OPERATION_STATUSES),
  statusAfter: z.enum(OPERATION_STATUSES),
  auditSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
