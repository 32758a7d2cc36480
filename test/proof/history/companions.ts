import type { Db } from "@/db/client";
import { carrierBackstop } from "@/scripts/lib/carrier-backstop";
import { bulkWork } from "@/server/bulk/work";
import type { StartCompanion } from "@/server/engine/worker";
import { inProcessCallbacks } from "@/server/providers/carrier-callback";
import type { WaitService } from "@/server/waits/wait-service";
import { waitsWork } from "@/server/waits/work";

/**
 * The loops beside the engine that the sample workflows need, as every worker of scripts/worker.ts
 * runs them, for each worker of the history run (in-process and worker processes): bulk actions,
 * the waits' deadlines and the carrier's backstop. Without the last two, an order whose pickup
 * callback was owed by a SIGKILLed worker process stayed processing for ever and the full run
 * never settled. The other loops (alerts, audit checkpoints, synthetic checks, webhooks) add
 * nothing a check reads.
 */
export function historyCompanions(db: Db, waits: WaitService): StartCompanion[] {
  return [bulkWork, waitsWork, carrierBackstop(db, inProcessCallbacks(waits))];
}
