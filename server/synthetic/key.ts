import { createHmac } from "node:crypto";
import type { Db } from "@/db/client";
import { registerSystemKey } from "@/server/auth/api-keys";
import { SYNTHETIC_KEY_SCOPE } from "@/server/domain/principal";

/** The name the checker's key is listed under on the API keys page. */
export const SYNTHETIC_KEY_NAME = "synthetic checker";
const SCOPES = ["operations:write", "operations:read", SYNTHETIC_KEY_SCOPE];

/**
 * The synthetic checker's API key, derived from THROUGHLINE_SECRET: every worker derives the
 * same one without a secret to share or store, and only its hash reaches the database, like
 * any key. A new THROUGHLINE_SECRET derives a new key (the old one can be revoked on the page).
 */
export function syntheticKeySecret(appSecret: string | undefined = process.env.THROUGHLINE_SECRET): string {
  if (!appSecret)
    throw new Error("THROUGHLINE_SECRET is not set: the synthetic checker derives its key from it.");
  const mac = createHmac("sha256", appSecret).update("throughline:synthetic-checker-key").digest();
  return `tl_${mac.subarray(0, 24).toString("base64url")}`;
}

/**
 * Registers the checker's key when it is not there yet (audited as `api_key_created`, like the
 * bootstrap key), and returns the secret to send. Safe from any number of workers at once: the
 * hash is unique. A key an admin revoked stays revoked — the checks then fail with 401 and alert,
 * which is the honest answer; turn a type's check off in its definition instead.
 */
export async function ensureSyntheticKey(db: Db, appSecret?: string): Promise<string> {
  const secret = syntheticKeySecret(appSecret);
  await registerSystemKey(db, {
    secret,
    name: SYNTHETIC_KEY_NAME,
    scopes: SCOPES,
    createdBy: "synthetic checker",
    reason: "The synthetic checker's key, registered by a worker on first use",
  });
  return secret;
}
