import type { SqlQueryable } from "@/db/transaction";
import type { WaitKind, WaitOutcome, WaitState } from "@/server/domain/waits";
import { asDate, asDateOrNull } from "@/server/presenters/rows";
import { scheduledStage } from "@/server/workflows/kit/timer";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";
import { waitingStage } from "@/server/workflows/kit/wait";

/** One answer that reached a wait, accepted or refused, read from the wait's events. */
export interface WaitAnswer {
  at: Date;
  /** `acknowledged`, or refused: `duplicate`, `conflict`, `deadline_passed`, `expired`, `finished`. */
  result: "accepted" | "duplicate" | "conflict" | "deadline_passed" | "expired" | "finished";
  outcome: WaitOutcome | null;
  /** `callback`, `key:…`, `user:…`. */
  by: string | null;
}

/** A durable wait as staff see it on the detail page. */
export interface DetailWait {
  id: string;
  step: string;
  kind: WaitKind;
  state: WaitState;
  /** The system waited on (`carrier`), `clock` for a timer. */
  target: string;
  /** Staff words: "Waiting for the carrier to confirm pickup", "Scheduled for 2026-12-03 18:00 UTC". */
  stage: string;
  since: Date;
  deadlineAt: Date | null;
  wakeAt: Date | null;
  heartbeatMs: number | null;
  lastHeartbeatAt: Date | null;
  heartbeatDeadlineAt: Date | null;
  outcome: WaitOutcome | null;
  completedBy: string | null;
  completedAt: Date | null;
  answers: WaitAnswer[];
}

const ANSWERS_SHOWN = 20;
const REFUSALS = new Set(["duplicate", "conflict", "deadline_passed", "expired", "finished"]);

/**
 * The waits of one operation, newest first, each with the answers its events record (the
 * accepted one and every refused one: duplicates, conflicts, late). The events are the
 * detail page's own read, passed in.
 */
export async function detailWaits(
  sql: SqlQueryable,
  operationId: string,
  workflow: WorkflowDefinition | undefined,
  events: { type: string; at: Date; data: unknown }[],
): Promise<DetailWait[]> {
  const rows = await sql<
    {
      id: string;
      step: string;
      kind: WaitKind;
      state: WaitState;
      target: string;
      createdAt: string;
      deadlineAt: string | null;
      wakeAt: string | null;
      heartbeatMs: number | null;
      lastHeartbeatAt: string | null;
      heartbeatDeadlineAt: string | null;
      outcome: WaitOutcome | null;
      completedBy: string | null;
      completedAt: string | null;
    }[]
  >`
    select id, step, kind, state, target, created_at as "createdAt", deadline_at as "deadlineAt",
      wake_at as "wakeAt", heartbeat_ms as "heartbeatMs", last_heartbeat_at as "lastHeartbeatAt",
      heartbeat_deadline_at as "heartbeatDeadlineAt", outcome, completed_by as "completedBy",
      completed_at as "completedAt"
    from waits where operation_id = ${operationId} order by created_at desc limit 20`;
  const answers = new Map<string, WaitAnswer[]>();
  for (const e of events) {
    if (e.type !== "acknowledged" && e.type !== "acknowledgment_refused") continue;
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (typeof d.waitId !== "string") continue;
    const reason = typeof d.reason === "string" && REFUSALS.has(d.reason) ? d.reason : "finished";
    const list = answers.get(d.waitId) ?? [];
    list.push({
      at: e.at,
      result: (e.type === "acknowledged" ? "accepted" : reason) as WaitAnswer["result"],
      outcome: typeof d.outcome === "string" ? (d.outcome as WaitOutcome) : null,
      by: typeof d.by === "string" ? d.by : null,
    });
    answers.set(d.waitId, list);
  }
  return rows.map((r) => {
    const def = workflow?.steps.find((s) => s.name === r.step);
    const wakeAt = asDateOrNull(r.wakeAt);
    const stage =
      r.kind === "timer" && wakeAt
        ? scheduledStage(wakeAt)
        : def?.wait
          ? waitingStage(def.wait)
          : r.kind === "end_user_action"
            ? "Waiting for the customer's answer"
            : `Waiting for ${r.target}`;
    return {
      id: r.id,
      step: r.step,
      kind: r.kind,
      state: r.state,
      target: r.target,
      stage,
      since: asDate(r.createdAt),
      deadlineAt: asDateOrNull(r.deadlineAt),
      wakeAt,
      heartbeatMs: r.heartbeatMs,
      lastHeartbeatAt: asDateOrNull(r.lastHeartbeatAt),
      heartbeatDeadlineAt: asDateOrNull(r.heartbeatDeadlineAt),
      outcome: r.outcome,
      completedBy: r.completedBy,
      completedAt: asDateOrNull(r.completedAt),
      answers: (answers.get(r.id) ?? []).slice(-ANSWERS_SHOWN),
    };
  });
}
