import type { OperationStatus, StepStatus } from "@/server/domain/statuses";

/**
 * An operation's state told by its timeline alone: each event read for what it says happened
 * (docs/DESIGN.md: "the UI's timeline and the audit trail are read from events"). A stored
 * history whose fold disagrees with its rows has a timeline inconsistent with its status.
 */
export function foldEvents(
  stepNames: string[],
  events: { type: string; step: string | null; data: unknown }[],
): { status: OperationStatus; steps: { status: StepStatus; attempts: number }[]; blockKind: string | null } {
  const steps = new Map(stepNames.map((n) => [n, { status: "pending" as StepStatus, attempts: 0 }]));
  let terminal: "completed" | "failed" | null = null;
  let block: { kind: string; step: string | null } | null = null;
  let failing = false;
  for (const e of events) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const s = e.step ? steps.get(e.step) : undefined;
    switch (e.type) {
      case "step_started":
        if (!s) break;
        s.status = "running";
        s.attempts = typeof d.attempt === "number" ? d.attempt : s.attempts + 1;
        break;
      case "step_succeeded":
        if (s) s.status = "succeeded";
        break;
      case "retry_scheduled":
        // An operator's "retry now" makes the step due at once; the engine's own is a backoff.
        if (s) s.status = d.action === "retry" ? "pending" : "retrying";
        break;
      case "step_failed":
        if (s) s.status = "failed";
        failing = true;
        block = null;
        break;
      case "blocked":
        if (s && (s.status === "running" || s.status === "retrying")) s.status = "pending";
        block = { kind: String(d.kind), step: e.step };
        break;
      case "resumed":
        block = null;
        if (s && d.action === "replay" && (s.status === "failed" || s.status === "retrying"))
          s.status = "pending";
        break;
      case "step_skipped":
        if (s) s.status = "skipped";
        if (block?.step === e.step) block = null;
        break;
      case "step_compensated":
        if (s) s.status = "compensated";
        break;
      case "cancelled":
        failing = true;
        block = null;
        break;
      case "failed":
        terminal = "failed";
        block = null;
        for (const x of steps.values())
          if (x.status === "pending" || x.status === "retrying" || x.status === "running")
            x.status = "skipped";
        break;
      case "completed":
        terminal = "completed";
        block = null;
        break;
      default:
        // accepted, intake replays and conflicts, failed attempts, compensation starts: no change of state.
        break;
    }
  }
  const all = [...steps.values()];
  const status: OperationStatus =
    terminal ??
    (block
      ? "blocked"
      : !failing && all.every((s) => s.status === "pending" && s.attempts === 0)
        ? "accepted"
        : "processing");
  return { status, steps: all, blockKind: block?.kind ?? null };
}
