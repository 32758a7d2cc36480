/**
 * Secrets the launcher hands to its children. Each comes from the environment when set;
 * otherwise it is generated once and kept in the data directory (mode 0600), so it stays
 * the same across starts on this machine. Several replicas on several machines must be
 * given the same values through the environment.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export type SecretSource = "env" | "file" | "generated";

export interface LocalSecret {
  /** Environment variable the children read. */
  env: string;
  /** File name inside the data directory. */
  file: string;
  generate: () => string;
}

/** The API key accepted before any key exists in the database. */
export const BOOTSTRAP_API_KEY: LocalSecret = {
  env: "THROUGHLINE_BOOTSTRAP_API_KEY",
  file: "bootstrap-key",
  generate: () => `tl_dev_${randomBytes(24).toString("base64url")}`,
};

/** Signs links and tokens (e.g. end-user tracking links); changing it invalidates them. */
export const APP_SECRET: LocalSecret = {
  env: "THROUGHLINE_SECRET",
  file: "secret",
  generate: () => randomBytes(32).toString("base64url"),
};

/**
 * Seals audit records and signs audit checkpoints (server/audit/key.ts). It must live outside
 * the database it protects; changing it makes older checkpoints unverifiable.
 */
export const AUDIT_KEY: LocalSecret = {
  env: "THROUGHLINE_AUDIT_KEY",
  file: "audit-key",
  generate: () => randomBytes(32).toString("base64url"),
};

/** The file, in the data directory unless THROUGHLINE_AUDIT_CHECKPOINT_FILE says otherwise, that keeps every audit checkpoint. */
export function auditCheckpointFile(
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): string {
  return env.THROUGHLINE_AUDIT_CHECKPOINT_FILE || path.join(dataDir, "audit-checkpoints.jsonl");
}

/** The secret from the environment or the data directory, never generated (for checking, not signing). */
export async function readSecret(
  secret: LocalSecret,
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string | null> {
  const fromEnv = env[secret.env];
  if (fromEnv) return fromEnv;
  const stored = await readFile(path.join(dataDir, secret.file), "utf8").then(
    (text) => text.trim(),
    () => "",
  );
  return stored || null;
}

export async function resolveSecret(
  secret: LocalSecret,
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): Promise<{ value: string; source: SecretSource }> {
  const fromEnv = env[secret.env];
  if (fromEnv) return { value: fromEnv, source: "env" };
  const file = path.join(dataDir, secret.file);
  const stored = await readFile(file, "utf8").then(
    (text) => text.trim(),
    () => "",
  );
  if (stored) return { value: stored, source: "file" };
  const value = secret.generate();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return { value, source: "generated" };
}
