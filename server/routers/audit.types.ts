import { z } from "zod";
import { CHAIN_BREAK_TYPES } from "@/server/audit/chain";
import { AUDIT_ACTIONS, AUDIT_ACTOR_KINDS } from "@/server/domain/audit-actions";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import { ZInputDate } from "./console.types";

export const ZAuditFilterSchema = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  workflowType: z.string().max(100).optional(),
  operationId: z.uuid().optional(),
  bulkActionId: z.uuid().optional(),
  from: ZInputDate.optional(),
  to: ZInputDate.optional(),
});

export const ZListAuditRequestSchema = ZAuditFilterSchema.extend({
  cursor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

const ZAuditRecord = z.object({
  seq: z.number().int(),
  at: z.date(),
  actorKind: z.enum(AUDIT_ACTOR_KINDS),
  actorId: z.string(),
  actorLabel: z.string(),
  actorRole: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  operationId: z.string().nullable(),
  step: z.string().nullable(),
  workflowType: z.string().nullable(),
  bulkActionId: z.string().nullable(),
  reason: z.string().nullable(),
  statusBefore: z.enum(OPERATION_STATUSES).nullable(),
  statusAfter: z.enum(OPERATION_STATUSES).nullable(),
  details: z.unknown(),
  requestId: z.string().nullable(),
  clientAddress: z.string().nullable(),
  hash: z.string(),
});

export const ZListAuditResponseSchema = z.object({
  items: z.array(ZAuditRecord),
  next: z.number().int().nullable(),
});

export const ZVerifyAuditResponseSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    checked: z.number().int(),
    head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
    tookMs: z.number(),
  }),
  z.object({
    ok: z.literal(false),
    checked: z.number().int(),
    message: z.string(),
    brokenSeq: z.number().int(),
    problem: z.enum(CHAIN_BREAK_TYPES),
    tookMs: z.number(),
  }),
]);
