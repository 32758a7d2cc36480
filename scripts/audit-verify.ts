/**
 * `npm run audit:verify`: walks the whole audit history and checks every hash link.
 * Prints the chain's head (keep it somewhere else to notice records removed from the end
 * later) or names the first broken record; exits 1 when the chain is broken.
 * Uses DATABASE_URL, or the embedded PostgreSQL in THROUGHLINE_DATA_DIR (started if needed).
 */
import { createDb } from "@/db/client";
import { openDatabase } from "@/db/embedded";
import { verifyAuditChain } from "@/server/audit/verify";

async function main(): Promise<number> {
  const database = await openDatabase({ url: process.env.DATABASE_URL });
  const db = createDb(database.url, { max: 1, applicationName: "throughline-audit-verify" });
  try {
    const startedAt = performance.now();
    const result = await verifyAuditChain({ db });
    const took = `${Math.round(performance.now() - startedAt)} ms`;
    if (result.ok) {
      console.log(
        result.head
          ? `audit chain intact: ${result.checked} record(s) checked in ${took}; head #${result.head.seq} ${result.head.hash}`
          : `audit chain empty: nothing to check`,
      );
      return 0;
    }
    console.error(`audit chain BROKEN after ${result.checked} intact record(s): ${result.message}`);
    console.error(JSON.stringify(result.firstBroken));
    return 1;
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
