/**
 * A worker process for crash tests: `node --import tsx test/engine/worker-child.fixture.ts`
 * with DATABASE_URL. CRASH_AT (beforeClaim | beforeEffect | afterEffect | beforeJobComplete)
 * and CRASH_STEP make it SIGKILL itself at that point; PAUSE_AT makes it print `paused` and
 * wait there until it is continued (the test SIGSTOPs it, then resumes it: SIGCONT and a `continue` line on stdin). Every run's
 * result is printed as `run <id> <result>`. LEASE_MS sets its lease length.
 */
import { createInterface } from "node:readline";
import { createDb } from "@/db/client";
import type { HookInfo } from "@/server/engine/engine";
import { RunQueue } from "@/server/engine/run-queue";
import { startWorker } from "@/server/engine/worker";
import { createProviders } from "@/server/providers";
import { inProcessCallbacks } from "@/server/providers/carrier-callback";
import { WaitService } from "@/server/waits/wait-service";
import { defaultRegistry, WORKFLOWS } from "@/server/workflows";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { TEST_WORKER_OPTIONS } from "./harness";
import { scriptedWorkflow } from "./scripted-workflow";
import { waitingWorkflow } from "./waiting-workflow";

const url = process.env.DATABASE_URL!;
const { CRASH_AT, CRASH_STEP, PAUSE_AT } = process.env;
const db = createDb(url, { max: 8, applicationName: "worker-child" });
const extra =
  process.env.EXTRA_WORKFLOWS === "scripted"
    ? [scriptedWorkflow]
    : process.env.EXTRA_WORKFLOWS === "waiting"
      ? [waitingWorkflow("test.wait")]
      : [];
const registry = extra.length ? new WorkflowRegistry([...WORKFLOWS, ...extra]) : defaultRegistry;

/** Operations whose CRASH_STEP ran in this process: only their jobs count for beforeJobComplete. */
const ranHere = new Set<string>();

const at = (point: string) => async (info: Partial<HookInfo>) => {
  if (info.step === CRASH_STEP && info.operationId) ranHere.add(info.operationId);
  // A job left over from an earlier test (a recovery job for a finished operation) must not count.
  const matches =
    !CRASH_STEP || info.step === CRASH_STEP || (info.step === undefined && ranHere.has(info.operationId!));
  if (CRASH_AT === point && matches) process.kill(process.pid, "SIGKILL");
  if (PAUSE_AT === point && matches) {
    console.log(`paused ${info.operationId} ${info.step}`);
    // The test stops the process here (SIGSTOP) and later lets it go on (resume(): SIGCONT, then
    // `continue` on stdin). The line, not the signal's event, is what this waits for: it arrives
    // only after the stop and the continue, however late the stop lands.
    await new Promise((r) => createInterface({ input: process.stdin }).once("line", r));
  }
};

// No web here: the carrier confirms pickups straight through the WaitService.
const runs = new RunQueue({ db, url });
const worker = await startWorker({
  db,
  url,
  registry,
  providers: createProviders({
    db,
    callbacks: inProcessCallbacks(new WaitService({ db, runs, registry: registry })),
  }),
  ...TEST_WORKER_OPTIONS,
  // A long lease proves a recovery came from the liveness lock, not from the lease running out.
  ...(process.env.LEASE_MS ? { leaseMs: Number(process.env.LEASE_MS) } : {}),
  hooks: {
    beforeClaim: at("beforeClaim"),
    beforeEffect: at("beforeEffect"),
    afterEffect: at("afterEffect"),
    beforeJobComplete: async (info) => {
      console.log(`run ${info.operationId} ${info.result}`);
      await at("beforeJobComplete")(info);
    },
  },
  log: (line) => console.log(`[worker] ${line}`),
});
console.log("ready");
process.on("SIGTERM", async () => {
  await worker.stop();
  await db.$client.end({ timeout: 1 });
  process.exit(0);
});
