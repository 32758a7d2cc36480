import { createHmac } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { transaction } from "@/db/transaction";
import { appendAudit, NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { hashApiKey } from "@/server/auth/api-keys";
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
  const prefix = secret.slice(0, 12);
  await transaction(db, async (tx) => {
    const inserted = await tx.db
      .insert(apiKeys)
      .values({
        id: uuidv7(),
        name: SYNTHETIC_KEY_NAME,
        prefix,
        hash: hashApiKey(secret),
        scopes: SCOPES,
        createdBy: "synthetic checker",
      })
      .onConflictDoNothing()
      .returning({ id: apiKeys.id });
    if (inserted.length === 0) return;
    await appendAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "api_key_created",
      request: NO_REQUEST,
      reason: "The synthetic checker's key, registered by a worker on first use",
      details: {
        keyId: inserted[0]!.id,
        name: SYNTHETIC_KEY_NAME,
        prefix,
        scopes: SCOPES,
        workflowTypes: null,
      },
    });
  });
  return secret;
}
