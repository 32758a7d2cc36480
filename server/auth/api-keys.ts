import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { transaction } from "@/db/transaction";
import {
  type AuditActor,
  appendAudit,
  NO_REQUEST,
  type RequestMeta,
  SYSTEM_ACTOR,
} from "@/server/audit/write";
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  type Principal,
  SYNTHETIC_KEY_SCOPE,
} from "@/server/domain/principal";

const PREFIX_LENGTH = 12;
/** Authenticated keys are remembered briefly so intake does not pay a lookup per request. */
const CACHE_TTL_MS = 10_000;
/** last_used_at is a hint, not a log: write it at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** A new key: the secret is returned once and only its hash is stored. Audited as `api_key_created`. */
export async function createApiKey(options: {
  db: Db;
  name: string;
  scopes: ApiKeyScope[];
  /** Limit the key to these workflow types (omitted or null: every type). */
  workflowTypes?: string[] | null;
  /** Who creates it; `system` when omitted (scripts, benchmarks). */
  actor?: AuditActor;
  request?: RequestMeta;
}) {
  const secret = `tl_${randomBytes(24).toString("base64url")}`;
  const actor = options.actor ?? SYSTEM_ACTOR;
  const workflowTypes = options.workflowTypes?.length ? [...new Set(options.workflowTypes)].sort() : null;
  return transaction(options.db, async (tx) => {
    const [row] = await tx.db
      .insert(apiKeys)
      .values({
        id: uuidv7(),
        name: options.name,
        prefix: secret.slice(0, PREFIX_LENGTH),
        hash: hashApiKey(secret),
        scopes: [...new Set(options.scopes)],
        workflowTypes,
        createdBy: actor.label,
      })
      .returning({ id: apiKeys.id, prefix: apiKeys.prefix });
    await appendAudit(tx, {
      actor,
      action: "api_key_created",
      request: options.request ?? NO_REQUEST,
      details: {
        keyId: row!.id,
        name: options.name,
        prefix: row!.prefix,
        scopes: options.scopes,
        workflowTypes,
      },
    });
    return { ...row!, secret };
  });
}

export type RevokeApiKeyResult =
  | { type: "revoked"; prefix: string }
  | { type: "already_done" }
  | { type: "not_found" };

/**
 * Revokes a key for good. This process forgets it at once; other web processes within
 * their cache time (10 s).
 */
export async function revokeApiKey(options: {
  db: Db;
  keyId: string;
  reason: string;
  actor: AuditActor;
  request: RequestMeta;
}): Promise<RevokeApiKeyResult> {
  const result = await transaction(options.db, async (tx) => {
    const [key] = await tx.db
      .select({ prefix: apiKeys.prefix, name: apiKeys.name, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.id, options.keyId))
      .for("update");
    if (!key) return { type: "not_found" as const };
    if (key.revokedAt) return { type: "already_done" as const };
    await tx.db
      .update(apiKeys)
      .set({ revokedAt: new Date(), updatedAt: new Date() })
      .where(eq(apiKeys.id, options.keyId));
    await appendAudit(tx, {
      actor: options.actor,
      action: "api_key_revoked",
      request: options.request,
      reason: options.reason,
      details: { keyId: options.keyId, name: key.name, prefix: key.prefix },
    });
    return { type: "revoked" as const, prefix: key.prefix };
  });
  if (result.type === "revoked") clearApiKeyCache();
  return result;
}

type KeyPrincipal = Extract<Principal, { kind: "key" }>;
/** Keys authenticated in this process, by hash (a revoked key drops out within CACHE_TTL_MS). */
const authenticated = new LRUCache<string, KeyPrincipal>({ max: 10_000, ttl: CACHE_TTL_MS });
/** Keys whose last_used_at this process wrote within the resolution. */
const lastUsedWritten = new LRUCache<string, true>({ max: 10_000, ttl: LAST_USED_RESOLUTION_MS });

/**
 * Who an `Authorization` header names: the key principal of a valid `Bearer <key>`, else
 * anonymous. The one API-key check, for the HTTP API and the tRPC context alike.
 */
export async function principalFromAuthorization(db: Db, header: string | null): Promise<Principal> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) return { kind: "anonymous" };
  return (await authenticateApiKey(db, match[1]!)) ?? { kind: "anonymous" };
}

/**
 * Resolves a bearer key to a key principal, or null. The bootstrap
 * key from THROUGHLINE_BOOTSTRAP_API_KEY is registered (as a hash) on first use.
 */
export async function authenticateApiKey(
  db: Db,
  key: string,
  now = Date.now(),
): Promise<KeyPrincipal | null> {
  if (!key) return null;
  const hash = hashApiKey(key);
  const cached = authenticated.get(hash);
  if (cached) return cached;

  let row = await activeKeyByHash(db, hash);
  if (!row && isBootstrapKey(key)) row = await registerBootstrapKey(db, key);
  if (!row) return null;

  const principal: KeyPrincipal = {
    kind: "key",
    keyId: row.id,
    prefix: row.prefix,
    scopes: row.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s)),
    workflowTypes: row.workflowTypes ?? null,
    synthetic: row.scopes.includes(SYNTHETIC_KEY_SCOPE),
  };
  authenticated.set(hash, principal);
  touchLastUsed(db, row.id, now);
  return principal;
}

function isBootstrapKey(key: string): boolean {
  const bootstrap = process.env.THROUGHLINE_BOOTSTRAP_API_KEY;
  if (!bootstrap || bootstrap.length !== key.length) return false;
  return timingSafeEqual(Buffer.from(bootstrap), Buffer.from(key));
}

async function registerBootstrapKey(db: Db, key: string) {
  await registerSystemKey(db, {
    secret: key,
    name: "bootstrap",
    scopes: [...API_KEY_SCOPES],
    createdBy: "THROUGHLINE_BOOTSTRAP_API_KEY",
    reason: "Registered from THROUGHLINE_BOOTSTRAP_API_KEY on first use",
  });
  return activeKeyByHash(db, hashApiKey(key));
}

/**
 * A key the system itself holds (the bootstrap key, the synthetic checker's), registered when it
 * is not there yet and audited as `api_key_created` by the system. Safe from any number of
 * processes at once: the hash is unique, so only one insert writes the row and its audit record.
 */
export async function registerSystemKey(
  db: Db,
  key: { secret: string; name: string; scopes: string[]; createdBy: string; reason: string },
): Promise<void> {
  const prefix = key.secret.slice(0, PREFIX_LENGTH);
  await transaction(db, async (tx) => {
    const inserted = await tx.db
      .insert(apiKeys)
      .values({
        id: uuidv7(),
        name: key.name,
        prefix,
        hash: hashApiKey(key.secret),
        scopes: key.scopes,
        createdBy: key.createdBy,
      })
      .onConflictDoNothing()
      .returning({ id: apiKeys.id });
    if (inserted.length === 0) return;
    await appendAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "api_key_created",
      request: NO_REQUEST,
      reason: key.reason,
      details: { keyId: inserted[0]!.id, name: key.name, prefix, scopes: key.scopes, workflowTypes: null },
    });
  });
}

/** The unrevoked key with this hash, as a principal is built from it; undefined when none. */
async function activeKeyByHash(db: Db, hash: string) {
  const [row] = await db
    .select({
      id: apiKeys.id,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      workflowTypes: apiKeys.workflowTypes,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
  return row;
}

function touchLastUsed(db: Db, id: string, now: number): void {
  if (lastUsedWritten.has(id)) return;
  lastUsedWritten.set(id, true);
  const cutoff = new Date(now - LAST_USED_RESOLUTION_MS);
  void db
    .update(apiKeys)
    .set({ lastUsedAt: new Date(now) })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, cutoff))))
    .catch(() => {
      // A missed last-used hint is harmless; the next request tries again.
      lastUsedWritten.delete(id);
    });
}

/** Forget cached keys (tests, and revocation in this process). */
export function clearApiKeyCache(): void {
  authenticated.clear();
}
