/**
 * `npm run audit:verify`: walks the whole audit history and checks every hash link, every
 * record's seal and every signed checkpoint (from the database and from the checkpoint file
 * outside it), so records altered, forged, re-linked, or removed from the end are named.
 * Prints the chain's head and its newest checkpoint, or the first problem; exits 1 when the
 * chain is broken, or when checkpoints exist but no audit key is at hand to check them.
 * Uses DATABASE_URL, or the embedded PostgreSQL in THROUGHLINE_DATA_DIR (started if needed);
 * the key from THROUGHLINE_AUDIT_KEY or the data directory, the file from
 * THROUGHLINE_AUDIT_CHECKPOINT_FILE or the data directory.
 */

import { createDb } from "@/db/client";
import { defaultDataDir, openDatabase } from "@/db/embedded";
import { answerHelp } from "@/scripts/lib/usage";
import { verifyAuditChain } from "@/server/audit/verify";
import { AUDIT_KEY, auditCheckpointFile, readSecret } from "./lib/local-secrets";

answerHelp(`usage: npm run audit:verify
  Checks every hash link, record seal and signed checkpoint of the audit history; exits 1
  when the chain is broken. DATABASE_URL or the embedded PostgreSQL (THROUGHLINE_DATA_DIR);
  THROUGHLINE_AUDIT_KEY, THROUGHLINE_AUDIT_CHECKPOINT_FILE (defaults in the data directory).`);

async function main(): Promise<number> {
  const dataDir = defaultDataDir();
  const key = await readSecret(AUDIT_KEY, dataDir);
  const checkpointFile = auditCheckpointFile(dataDir);
  const database = await openDatabase({ url: process.env.DATABASE_URL });
  const db = createDb(database.url, { max: 1, applicationName: "throughline-audit-verify" });
  try {
    const startedAt = performance.now();
    const result = await verifyAuditChain({ db, key, checkpointFile });
    const took = `${Math.round(performance.now() - startedAt)} ms`;
    if (!result.ok) {
      console.error(`audit chain BROKEN after ${result.checked} intact record(s): ${result.message}`);
      console.error(JSON.stringify(result.firstBroken));
      return 1;
    }
    if (!result.head) {
      console.log("audit chain empty: nothing to check");
    } else {
      console.log(
        `audit chain intact: ${result.checked} record(s) checked in ${took} (${result.sealed} sealed); head #${result.head.seq} ${result.head.hash}`,
      );
    }
    if (result.anchor) {
      const after = (result.head?.seq ?? 0) - result.anchor.headSeq;
      console.log(
        `anchored by checkpoint ${result.anchor.checkpoint} (${result.anchor.at.toISOString()}) at record #${result.anchor.headSeq}; ${after} newer record(s) not yet anchored (checkpoint file: ${checkpointFile})`,
      );
    } else if (result.head) {
      console.log(
        `no checkpoint yet: removal of the newest records would not be noticed (${checkpointFile})`,
      );
    }
    if (!result.keyChecked) {
      console.error(
        `${AUDIT_KEY.env} not found (environment or ${dataDir}): seals and checkpoint signatures were NOT checked`,
      );
      return result.anchor || result.sealed > 0 ? 1 : 0;
    }
    return 0;
  } finally {
    await db.$client.end({ timeout: 5 });
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit:verify failed: ${(error as Error).message}`);
    process.exit(2);
  },
);
