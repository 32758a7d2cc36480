import { z } from "zod";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import {
  ZOperationListResponseSchema,
  ZOperationResourceSchema,
  ZStartOperationRequestSchema,
} from "@/server/operations/schemas";

export const ZStartOperationInputSchema = ZStartOperationRequestSchema.extend({
  idempotencyKey: z.string().min(1).max(255).optional(),
});
export const ZStartOperationResponseSchema = ZOperationResourceSchema;

export const ZGetOperationRequestSchema = z.object({ id: z.string().min(1).max(100) });
export const ZGetOperationResponseSchema = ZOperationResourceSchema;

export const ZListOperationsRequestSchema = z.object({
  status: z.enum(OPERATION_STATUSES).optional(),
  type: z.string().max(100).optional(),
  subject: z.string().max(200).optional(),
  reference: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.uuid().optional(),
});
export const ZListOperationsResponseSchema = ZOperationListResponseSchema;
