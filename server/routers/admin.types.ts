import { z } from "zod";
import { MAX_REASON_LENGTH } from "@/server/actions/plans";
import { API_KEY_SCOPES } from "@/server/domain/principal";
import { STAFF_ROLES } from "@/server/domain/roles";

const ZReason = z.string().max(MAX_REASON_LENGTH + 100);

export const ZListPeopleResponseSchema = z.object({
  people: z.array(
    z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      role: z.enum(STAFF_ROLES),
      active: z.boolean(),
      createdAt: z.date(),
      lastSignInAt: z.date().nullable(),
    }),
  ),
});

export const ZCreatePersonRequestSchema = z.strictObject({
  email: z.email().max(200),
  name: z.string().trim().min(1).max(100),
  role: z.enum(STAFF_ROLES),
  /** The initial password, handed to the person out of band. */
  password: z.string().min(1).max(200),
});
export const ZCreatePersonResponseSchema = z.object({ userId: z.string() });

export const ZSetRoleRequestSchema = z.strictObject({
  userId: z.uuid(),
  role: z.enum(STAFF_ROLES),
  reason: ZReason,
});
export const ZSetRoleResponseSchema = z.object({ from: z.enum(STAFF_ROLES), to: z.enum(STAFF_ROLES) });

export const ZSetActiveRequestSchema = z.strictObject({
  userId: z.uuid(),
  active: z.boolean(),
  reason: ZReason,
});
export const ZSetActiveResponseSchema = z.object({ active: z.boolean() });

export const ZListApiKeysResponseSchema = z.object({
  keys: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      prefix: z.string(),
      scopes: z.array(z.string()),
      workflowTypes: z.array(z.string()).nullable(),
      createdBy: z.string().nullable(),
      createdAt: z.date(),
      lastUsedAt: z.date().nullable(),
      revokedAt: z.date().nullable(),
    }),
  ),
});

export const ZCreateApiKeyRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length),
  workflowTypes: z.array(z.string().min(1).max(100)).max(50).nullable().default(null),
});
/** The secret appears here once and is never stored or shown again. */
export const ZCreateApiKeyResponseSchema = z.object({
  id: z.string(),
  prefix: z.string(),
  secret: z.string(),
});

export const ZRevokeApiKeyRequestSchema = z.strictObject({ keyId: z.uuid(), reason: ZReason });
export const ZRevokeApiKeyResponseSchema = z.object({ prefix: z.string() });
