import { accountVerify } from "./account-verify";
import { BENCH_CALLBACK_WORKFLOWS } from "./bench-callbacks";
import { CHAOS_NEXT_WORKFLOWS } from "./chaos-next";
import { demoNoop } from "./demo-noop";
import { WorkflowRegistry } from "./kit/registry";
import { orderFulfill } from "./order-fulfill";
import { reportExport } from "./report-export";
import { subscriptionStart } from "./subscription-start";

/** Every workflow this build runs. Keep old versions here while operations under them are in flight. */
export const WORKFLOWS = [orderFulfill, accountVerify, reportExport, demoNoop, subscriptionStart];

export const defaultRegistry = new WorkflowRegistry(WORKFLOWS);

/**
 * The registry a process runs, chosen by THROUGHLINE_WORKFLOW_SET: unset, every workflow
 * above; `chaos-next`, those plus the second versions `npm run chaos` deploys mid-run
 * (server/workflows/chaos-next.ts); `bench-callbacks`, those plus the waiting workflow of
 * `npm run bench`'s callbacks section (server/workflows/bench-callbacks.ts). Any other value is
 * refused, so a typo never starts a process with fewer workflows than its peers.
 */
export function registryFromEnv(env: Record<string, string | undefined> = process.env): WorkflowRegistry {
  const set = env.THROUGHLINE_WORKFLOW_SET ?? "";
  if (set === "") return defaultRegistry;
  if (set === "chaos-next") return new WorkflowRegistry([...WORKFLOWS, ...CHAOS_NEXT_WORKFLOWS]);
  if (set === "bench-callbacks") return new WorkflowRegistry([...WORKFLOWS, ...BENCH_CALLBACK_WORKFLOWS]);
  throw new Error(`THROUGHLINE_WORKFLOW_SET must be unset, "chaos-next" or "bench-callbacks", not "${set}".`);
}
