import { z } from "zod";
import { QUICK_RETRY } from "./kit/policies";
import { defineWorkflow } from "./kit/types";

/**
 * A synchronous-completion workflow: the caller waits up to the budget. Small exports
 * finish inside it (200 with the result); large ones answer 202 and finish later.
 */
const SYNC_BUDGET_MS = 2_000;
/** Rows rendered per millisecond by the simulated renderer. */
const ROWS_PER_MS = 50;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

export const reportExport = defineWorkflow({
  type: "report.export",
  version: 1,
  title: "Export a report",
  description: "Renders a CSV report of the requested rows and stores it for download.",
  input: z.object({
    report: z.enum(["orders", "customers", "payments"]),
    rows: z.number().int().min(1).max(5_000_000),
    format: z.enum(["csv", "json"]).default("csv"),
  }),
  exampleInput: { report: "orders", rows: 1000, format: "csv" },
  completion: { mode: "sync", budgetMs: SYNC_BUDGET_MS },
  text: {
    accepted: "Your export is queued.",
    completed: "Your export is ready to download.",
    failed: "We could not produce your export.",
  },
  objective: { p95Ms: 30_000 },
  stuckAfterMs: 5 * 60_000,
  runbook: "Large exports take minutes. If one is stuck, check worker health, then replay the render step.",
  steps: [
    {
      name: "render",
      title: "Render the report",
      userText: "Preparing your export",
      effect: {
        description: "Renders the rows (simulated: time grows with the row count).",
        run: async ({ input, signal }) => {
          const { rows, format, report } = input as { rows: number; format: string; report: string };
          await sleep(Math.ceil(rows / ROWS_PER_MS), signal);
          return { file: `${report}-${rows}.${format}`, rows };
        },
      },
      compensation: { none: "Rendering writes only a temporary file, removed when it expires." },
      retry: QUICK_RETRY,
      timeoutMs: 10 * 60_000,
    },
  ],
});
