import { eq } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import type { Db } from "@/db/client";
import { workflowPauses } from "@/db/schema";
import type { IntakeGate } from "./intake";

/** What a client refused by a paused type is told to wait before trying again. */
export const PAUSED_RETRY_AFTER_SECONDS = 60;

const REJECTING = "rejecting";

/**
 * Intake's view of pauses (server/actions/pause-workflow.ts): the types whose operator chose
 * to refuse new work, read at most once per `ttlMs` per process and shared by the callers of
 * that moment (intake runs at thousands per second; a pause may take that long to reach every
 * web process).
 */
export function pauseGate(db: Db, ttlMs = 1_000): IntakeGate {
  const cache = new LRUCache<typeof REJECTING, Set<string>>({
    max: 1,
    ttl: ttlMs,
    fetchMethod: async () => {
      const rows = await db
        .select({ type: workflowPauses.workflowType })
        .from(workflowPauses)
        .where(eq(workflowPauses.intake, "reject"));
      return new Set(rows.map((r) => r.type));
    },
  });
  return async (workflowType) => {
    const rejecting = await cache.fetch(REJECTING);
    return rejecting?.has(workflowType) ? { retryAfterSeconds: PAUSED_RETRY_AFTER_SECONDS } : null;
  };
}
