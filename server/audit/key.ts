import { createHash } from "node:crypto";

/** The environment variable holding the audit key (the launcher sets it; scripts/lib/local-secrets.ts). */
export const AUDIT_KEY_ENV = "THROUGHLINE_AUDIT_KEY";
/** Where the worker appends every checkpoint, one JSON line each, besides the database and its log. */
export const AUDIT_CHECKPOINT_FILE_ENV = "THROUGHLINE_AUDIT_CHECKPOINT_FILE";

/**
 * The key that seals audit records and signs checkpoints. It is never stored in the
 * database: someone who can rewrite the tables can recompute SHA-256 but not an HMAC, so
 * re-chaining, forging and cutting the tail become visible. Null when unset (tests, a process
 * started by hand): records are then chained but not sealed.
 */
export function auditKeyFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  const key = env[AUDIT_KEY_ENV]?.trim();
  return key ? key : null;
}

export function checkpointFileFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  const file = env[AUDIT_CHECKPOINT_FILE_ENV]?.trim();
  return file ? file : null;
}

/** A fingerprint naming a key without revealing it, so a key change reads as such, not as forgery. */
export function auditKeyId(key: string): string {
  return createHash("sha256").update(`throughline-audit-key-id:${key}`).digest("hex").slice(0, 16);
}
