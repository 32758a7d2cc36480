import { startCompanionLoop } from "@/server/engine/companion-loop";
import type { StartCompanion } from "@/server/engine/worker";
import { writeCheckpoint } from "./checkpoint";
import { AUDIT_KEY_ENV, auditKeyFromEnv, checkpointFileFromEnv } from "./key";

/** How often the chain's head is signed: the most recent records a tail cut could remove unseen. */
export const AUDIT_CHECKPOINT_MS = 10_000;

/**
 * The worker's audit anchor: every worker tries each tick, withTickLock lets one write.
 *
 * Why a worker companion and not a checkpoint on every append: appends happen in the web
 * processes too, inside the caller's transaction, which cannot know when (or whether) it
 * commits, so a file or log line written there could name a record that was rolled back,
 * and N web replicas would each keep a partial file. Here one process at a time signs a
 * committed head and writes it after its own commit. Every append is still sealed (its
 * `mac`, written in appendAudit), so re-chaining and forgery show at once; the tick only
 * bounds how many of the newest records a cut of the tail could remove unseen.
 */
export const auditWork: StartCompanion = async ({ db, workerId, log }) => {
  const key = auditKeyFromEnv();
  if (!key) {
    log(`audit checkpoints off: ${AUDIT_KEY_ENV} is not set (records are chained but not anchored)`);
    return { stop: async () => {} };
  }
  const file = checkpointFileFromEnv();
  const everyMs = Number(process.env.THROUGHLINE_AUDIT_CHECKPOINT_MS) || AUDIT_CHECKPOINT_MS;
  const write = () => writeCheckpoint({ sql: db.$client, key, writer: workerId, file, log });
  const loop = startCompanionLoop({
    tick: async () => {
      await write();
      return everyMs;
    },
    retryMs: () => everyMs,
    onError: (error) => log(`audit checkpoint failed: ${(error as Error).message}`),
  });
  return {
    async stop() {
      await loop.stop();
      // A last checkpoint on the way out, so a clean stop leaves the whole chain anchored.
      await write().catch(() => {});
    },
  };
};
