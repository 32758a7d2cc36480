import { z } from "zod";
import { QUICK_RETRY } from "./kit/policies";
import { defineWorkflow } from "./kit/types";

/**
 * Three steps that do nothing but record that they ran. It measures the engine's own
 * overhead (benchmarks) and proves the whole path works end to end (synthetic checks).
 */
const STEP_TIMEOUT_MS = 5_000;
const NOTHING_TO_UNDO = { none: "The step changes nothing outside Throughline." };

export const demoNoop = defineWorkflow({
  type: "demo.noop",
  version: 1,
  title: "No-op probe",
  description: "Three steps with no side effects: the engine's overhead and a synthetic end-to-end check.",
  input: z.object({ note: z.string().max(200).optional() }),
  exampleInput: { note: "hello" },
  completion: { mode: "staged" },
  text: {
    accepted: "Your request is queued.",
    completed: "All done.",
    failed: "We could not finish your request.",
  },
  objective: { p95Ms: 1_000 },
  stuckAfterMs: 60_000,
  // The probe of the whole path (issue 11): nothing outside Throughline, so it may run for ever.
  synthetic: { everyMs: 60_000, input: { note: "synthetic check" } },
  runbook:
    "If probes are stuck, check that workers are running (dashboard: workers) and the queue is moving.",
  steps: [
    {
      name: "first",
      title: "First step",
      userText: "Getting started",
      effect: { description: "Returns at once.", run: async () => ({ ok: true }) },
      compensation: NOTHING_TO_UNDO,
      retry: QUICK_RETRY,
      timeoutMs: STEP_TIMEOUT_MS,
    },
    {
      name: "second",
      title: "Second step",
      userText: "Working on it",
      effect: { description: "Returns at once.", run: async () => ({ ok: true }) },
      compensation: NOTHING_TO_UNDO,
      retry: QUICK_RETRY,
      timeoutMs: STEP_TIMEOUT_MS,
    },
    {
      name: "third",
      title: "Third step",
      userText: "Finishing up",
      effect: { description: "Returns at once.", run: async () => ({ ok: true }) },
      compensation: NOTHING_TO_UNDO,
      retry: QUICK_RETRY,
      timeoutMs: STEP_TIMEOUT_MS,
    },
  ],
});
