import { createHash } from "node:crypto";
import type { Db } from "@/db/client";
import { type Tx, transaction, txOver } from "@/db/transaction";
import { isTerminal } from "@/server/domain/statuses";
import type { WaitOutcome } from "@/server/domain/waits";
import type { ClassifiedError } from "@/server/engine/classify";
import type { RunQueue } from "@/server/engine/run-queue";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { verifyCallbackToken } from "./callback-token";
import { finishWait, type Locked, lockWait, recordRefusal, stepHeldBy, type WaitRow } from "./complete";
import { expireWaits } from "./expire";
import { callbackSecret } from "./settings";

/** What the other system says: done (with the step's payload), or a failure classified like any error. */
export type Acknowledgment =
  | { status: "succeeded"; payload: unknown }
  | { status: "failed"; errorClass: Exclude<WaitOutcome, "succeeded">; message: string; code?: string };

/** Which wait: by its callback token (the only authority it grants), or by operation and step (an API key). */
export type WaitRef = { token: string } | { operationId: string; step: string };

export interface WaitView {
  id: string;
  operationId: string;
  step: string;
  state: WaitRow["state"];
  outcome: WaitOutcome | null;
  completedAt: string | null;
}

export type AcknowledgeResult =
  /** 200: this acknowledgment completed the wait now, or (replayed) it already had. */
  | { type: "accepted"; replayed: boolean; wait: WaitView }
  /** 404: unknown, forged, truncated or another operation's token — one answer for all. */
  | { type: "not_found" }
  /** 400: the payload is not what the step declared; nothing changed. */
  | { type: "invalid"; issues: { path: string; message: string }[] }
  /** 409: the wait was completed by a different acknowledgment. */
  | { type: "conflict"; wait: WaitView }
  /** 410: too late, or the operation or wait ended otherwise; recorded on the timeline. */
  | { type: "gone"; reason: "deadline_passed" | "expired" | "finished"; wait: WaitView };

/** Who answers: `by` for the wait row (`callback`, `key:…`, `user:…`), `actor` for the timeline. */
export interface Acknowledger {
  by: string;
  actor: string;
}

/**
 * Durable waits for an acknowledgment: completing one (first wins, replays answered from the
 * row), heartbeats, and the deadline. Each acknowledgment is one transaction that locks the
 * operation and then the wait, so concurrent duplicates queue behind the first and read its
 * result; the row, not the token, decides what an acknowledgment does.
 */
export class WaitService {
  constructor(
    private readonly deps: {
      db: Db;
      runs: Pick<RunQueue, "enqueue">;
      registry: WorkflowRegistry;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async acknowledge(
    ref: WaitRef,
    ack: Acknowledgment,
    who: Acknowledger,
    /** An API key's type visibility: another type's operation answers like a missing one. */
    mayAct: (workflowType: string) => boolean = () => true,
  ): Promise<AcknowledgeResult> {
    return transaction(this.deps.db, (tx) => this.acknowledgeIn(tx, ref, ack, who, mayAct));
  }

  /** `acknowledge` in the caller's transaction (an operator's completion writes its audit record in it). */
  async acknowledgeIn(
    tx: Tx,
    ref: WaitRef,
    ack: Acknowledgment,
    who: Acknowledger,
    mayAct: (workflowType: string) => boolean = () => true,
  ): Promise<AcknowledgeResult> {
    const target = resolve(ref);
    if (!target) return { type: "not_found" };
    const locked = await lockWait(tx, this.deps.registry, target.operationId, target.find);
    // A token names operation, step and wait: a row of another operation or step is not its row.
    if (!locked || locked.wait.step !== target.step || !mayAct(locked.op.type)) return { type: "not_found" };
    const { wait, def } = locked;
    let payload: unknown = null;
    if (ack.status === "succeeded") {
      const schema = def?.wait?.acknowledgment;
      const parsed = schema ? schema.safeParse(ack.payload) : { success: true as const, data: ack.payload };
      if (!parsed.success) {
        return {
          type: "invalid",
          issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        };
      }
      payload = parsed.data ?? null;
    } else {
      payload = { message: ack.message, ...(ack.code ? { code: ack.code } : {}) };
    }
    const outcome: WaitOutcome = ack.status === "succeeded" ? "succeeded" : ack.errorClass;
    const hash = ackHash(outcome, payload);
    if (wait.state === "completed") {
      // Answered from the row, and kept on the timeline: the console lists what arrived after the first.
      const same = wait.payloadHash === hash;
      await recordRefusal(tx, wait, who.actor, {
        reason: same ? "duplicate" : "conflict",
        by: who.by,
        outcome,
      });
      return same
        ? { type: "accepted", replayed: true, wait: view(wait) }
        : { type: "conflict", wait: view(wait) };
    }
    const position = stepHeldBy(locked);
    const reason =
      wait.state !== "waiting"
        ? "expired"
        : isTerminal(locked.op.state.status) || position === null
          ? "finished"
          : wait.late
            ? "deadline_passed"
            : null;
    if (reason || position === null) {
      const refused = reason ?? "finished";
      await recordRefusal(tx, wait, who.actor, { reason: refused, by: who.by, outcome });
      return { type: "gone", reason: refused, wait: view(wait) };
    }
    const now = this.now();
    const plan = await finishWait(
      tx,
      this.deps.runs,
      locked,
      position,
      ack.status === "succeeded"
        ? { type: "succeeded", output: payload }
        : { type: "error", error: classified(ack, locked) },
      {
        state: "completed",
        outcome,
        payload,
        payloadHash: hash,
        by: who.by,
        actor: who.actor,
        now,
        event: { type: "acknowledged", step: wait.step, data: { waitId: wait.id, outcome, by: who.by } },
      },
    );
    if (!plan) {
      await recordRefusal(tx, wait, who.actor, { reason: "finished", by: who.by, outcome });
      return { type: "gone", reason: "finished", wait: view(wait) };
    }
    return {
      type: "accepted",
      replayed: false,
      wait: { ...view(wait), state: "completed", outcome, completedAt: now.toISOString() },
    };
  }

  /**
   * Moves the heartbeat deadline (never the overall deadline) of an open wait that declared
   * a heartbeat. False for anything else: unknown, finished, or no heartbeat declared.
   */
  async heartbeat(
    ref: WaitRef,
  ): Promise<{ type: "ok"; heartbeatDeadlineAt: string } | { type: "not_found" } | { type: "gone" }> {
    const target = resolve(ref);
    if (!target) return { type: "not_found" };
    const filter =
      "waitId" in target.find
        ? this.deps.db.$client`id = ${target.find.waitId} and step = ${target.step}`
        : this.deps.db.$client`step = ${target.step}`;
    const rows = await this.deps.db.$client<{ id: string; state: string; at: string | null }[]>`
      with found as (
        select id, state from waits where operation_id = ${target.operationId} and ${filter}
        order by (state = 'waiting') desc, created_at desc limit 1
      ), beat as (
        update waits w set last_heartbeat_at = now(),
          heartbeat_deadline_at = now() + w.heartbeat_ms * interval '1 millisecond', updated_at = now()
        from found f where w.id = f.id and w.state = 'waiting' and w.heartbeat_ms is not null
          and (w.deadline_at is null or w.deadline_at > now())
        returning w.id, w.heartbeat_deadline_at
      )
      select f.id, f.state, (select heartbeat_deadline_at::text from beat) as at from found f`;
    const row = rows[0];
    if (!row) return { type: "not_found" };
    if (!row.at) return { type: "gone" };
    return { type: "ok", heartbeatDeadlineAt: new Date(row.at).toISOString() };
  }

  /** Blocks or fails, as each step declares, the open waits past their deadline or heartbeat. */
  expire(limit = 100): Promise<number> {
    return transaction(this.deps.db, (tx) =>
      expireWaits(txOver(this.deps.db, tx.sql), this.deps, this.now(), limit),
    );
  }
}

function resolve(
  ref: WaitRef,
): { operationId: string; step: string; find: { waitId: string } | { step: string } } | null {
  if ("token" in ref) {
    const binding = verifyCallbackToken(callbackSecret(), ref.token);
    if (!binding) return null;
    return { operationId: binding.operationId, step: binding.step, find: { waitId: binding.waitId } };
  }
  return { operationId: ref.operationId, step: ref.step, find: { step: ref.step } };
}

/** A failure acknowledgment as the engine classifies a step error. */
function classified(ack: Extract<Acknowledgment, { status: "failed" }>, locked: Locked): ClassifiedError {
  const error = {
    message: ack.message,
    errorClass: ack.errorClass,
    code: ack.code ?? "acknowledged_failure",
  };
  if (ack.errorClass !== "needs_person") return { errorClass: ack.errorClass, error };
  const onDeadline = locked.def?.wait?.onDeadline;
  const actionRequired =
    onDeadline && "block" in onDeadline
      ? onDeadline.block.actionRequired
      : `Check with ${locked.wait.target} why it refused, then resume or cancel the operation.`;
  return { errorClass: "needs_person", error, kind: "awaiting_external", actionRequired };
}

/** SHA-256 of the outcome and the canonical payload (keys sorted), so a replay matches its first. */
export function ackHash(outcome: WaitOutcome, payload: unknown): string {
  return createHash("sha256").update(outcome).update("\n").update(canonical(payload)).digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

function view(wait: WaitRow): WaitView {
  return {
    id: wait.id,
    operationId: wait.operationId,
    step: wait.step,
    state: wait.state,
    outcome: wait.outcome,
    completedAt: wait.completedAt ? new Date(wait.completedAt).toISOString() : null,
  };
}
