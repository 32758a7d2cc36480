import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { API_KEY_SCOPES, type ApiKeyScope, type Principal } from "./principal";

const PREFIX_LENGTH = 12;
/** Authenticated keys are remembered briefly so intake does not pay a lookup per request. */
const CACHE_TTL_MS = 10_000;
/** last_used_at is a hint, not a log: write it at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** A new key: the secret is returned once and only its hash is stored. */
export async function createApiKey(options: { db: Db; name: string; scopes: ApiKeyScope[] }) {
  const secret = `tl_${randomBytes(24).toString("base64url")}`;
  const [row] = await options.db
    .insert(apiKeys)
    .values({
      id: uuidv7(),
      name: options.name,
      prefix: secret.slice(0, PREFIX_LENGTH),
      hash: hashApiKey(secret),
      scopes: options.scopes,
    })
    .returning({ id: apiKeys.id, prefix: apiKeys.prefix });
  return { ...row!, secret };
}

type KeyPrincipal = Extract<Principal, { kind: "key" }>;
const cache = new Map<string, { principal: KeyPrincipal; until: number }>();
const lastUsedWritten = new Map<string, number>();

/**
 * Resolves `Authorization: Bearer <key>` to a key principal, or null. The bootstrap
 * key from THROUGHLINE_BOOTSTRAP_API_KEY is registered (as a hash) on first use.
 */
export async function authenticateApiKey(
  db: Db,
  key: string,
  now = Date.now(),
): Promise<KeyPrincipal | null> {
  if (!key) return null;
  const hash = hashApiKey(key);
  const cached = cache.get(hash);
  if (cached && cached.until > now) return cached.principal;

  let [row] = await db
    .select({ id: apiKeys.id, prefix: apiKeys.prefix, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
  if (!row && isBootstrapKey(key)) row = await registerBootstrapKey(db, key);
  if (!row) return null;

  const principal: KeyPrincipal = {
    kind: "key",
    keyId: row.id,
    prefix: row.prefix,
    scopes: row.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s)),
  };
  cache.set(hash, { principal, until: now + CACHE_TTL_MS });
  touchLastUsed(db, row.id, now);
  return principal;
}

function isBootstrapKey(key: string): boolean {
  const bootstrap = process.env.THROUGHLINE_BOOTSTRAP_API_KEY;
  if (!bootstrap || bootstrap.length !== key.length) return false;
  return timingSafeEqual(Buffer.from(bootstrap), Buffer.from(key));
}

async function registerBootstrapKey(db: Db, key: string) {
  const prefix = key.slice(0, PREFIX_LENGTH);
  await db
    .insert(apiKeys)
    .values({ id: uuidv7(), name: "bootstrap", prefix, hash: hashApiKey(key), scopes: [...API_KEY_SCOPES] })
    .onConflictDoNothing();
  const [row] = await db
    .select({ id: apiKeys.id, prefix: apiKeys.prefix, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row;
}

function touchLastUsed(db: Db, id: string, now: number): void {
  if ((lastUsedWritten.get(id) ?? 0) > now - LAST_USED_RESOLUTION_MS) return;
  lastUsedWritten.set(id, now);
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
  cache.clear();
}
