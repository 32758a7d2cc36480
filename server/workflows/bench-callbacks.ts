import { z } from "zod";
import { QUICK_RETRY } from "./kit/policies";
import { defineWorkflow } from "./kit/types";

/**
 * The workflow `npm run bench`'s `callbacks` section runs (THROUGHLINE_WORKFLOW_SET=bench-callbacks,
 * never in the default set): `hand_over` returns at once into a wait for the bench's acknowledgment,
 * and `record` — the next step, whose `step_started` the bench times from the callback it sent —
 * does nothing. No outside system, so the figures are the engine's and the callback path's own.
 */
const NOTHING_TO_UNDO = { none: "The step changes nothing outside Throughline." };

export const BENCH_CALLBACK_ACK = z.object({ ref: z.string().min(1).max(64) }).strict();

export const benchCallbacks = defineWorkflow({
  type: "bench.callbacks",
  version: 1,
  title: "Callback benchmark",
  description: "Waits for an acknowledgment, then records it: the bench's callback latency and throughput.",
  input: z.object({ note: z.string().max(200).optional() }),
  exampleInput: { note: "bench" },
  completion: { mode: "staged" },
  text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
  objective: { p95Ms: 1_000 },
  // A benchmark's waits are answered within the run; a day is far past any of them.
  stuckAfterMs: 86_400_000,
  runbook: "Benchmark only: cancel any left over.",
  steps: [
    {
      name: "hand_over",
      title: "Hand over",
      userText: "Handing over",
      effect: { description: "Returns at once; the bench answers its callback.", run: async () => ({}) },
      compensation: NOTHING_TO_UNDO,
      retry: QUICK_RETRY,
      timeoutMs: 5_000,
      wait: {
        target: "bench",
        waitingFor: "the bench to acknowledge",
        userText: "Waiting for the acknowledgment.",
        deadlineMs: 86_400_000,
        acknowledgment: BENCH_CALLBACK_ACK,
        onDeadline: { fail: { reason: "The bench never acknowledged." } },
      },
    },
    {
      name: "record",
      title: "Record",
      userText: "Recording",
      effect: { description: "Returns at once.", run: async () => ({ ok: true }) },
      compensation: NOTHING_TO_UNDO,
      retry: QUICK_RETRY,
      timeoutMs: 5_000,
    },
  ],
});

export const BENCH_CALLBACK_WORKFLOWS = [benchCallbacks];
