/**
 * A worker process for the history run: `node --import tsx test/proof/history/worker-process.ts`
 * with DATABASE_URL and WORKER_ID. It runs the sample workflows like any worker and prints each
 * effect's start and end (`effect {json}`, times on the machine's clock in ms, as the parent's
 * history) so the parent records what this process ran, even when it is SIGKILLed mid-effect.
 */
import { createDb } from "@/db/client";
import type { HookInfo } from "@/server/engine/engine";
import { RunQueue } from "@/server/engine/run-queue";
import { startWorker } from "@/server/engine/worker";
import { createProviders } from "@/server/providers";
import { inProcessCallbacks } from "@/server/providers/carrier-callback";
import { WaitService } from "@/server/waits/wait-service";
import { defaultRegistry } from "@/server/workflows";
import { TEST_WORKER_OPTIONS } from "@/test/engine/harness";
import { historyCompanions } from "./companions";
import { clock } from "./record";

const url = process.env.DATABASE_URL!;
const workerId = process.env.WORKER_ID!;
const db = createDb(url, { max: 8, applicationName: "proof-history-worker" });
const say = (edge: "start" | "end", info: HookInfo) =>
  console.log(`effect ${JSON.stringify({ edge, at: clock(), ...info })}`);

// No web here: the carrier confirms pickups straight through the WaitService.
const runs = new RunQueue({ db, url });
const waits = new WaitService({ db, runs, registry: defaultRegistry });
const worker = await startWorker({
  db,
  url,
  registry: defaultRegistry,
  providers: createProviders({
    db,
    callbacks: inProcessCallbacks(waits),
  }),
  companions: historyCompanions(db, waits),
  ...TEST_WORKER_OPTIONS,
  leaseMs: 5_000,
  workerId,
  hooks: { beforeEffect: (info) => say("start", info), afterEffect: (info) => say("end", info) },
});
console.log("ready");
// A parent that dies without stopping this process (a failed run) closes its end of stdin: leave
// with it rather than run on, orphaned, against a database about to be dropped.
process.stdin.on("end", () => process.exit(1));
process.stdin.resume();
process.on("SIGTERM", async () => {
  await worker.stop();
  await db.$client.end({ timeout: 5 });
  process.exit(0);
});
