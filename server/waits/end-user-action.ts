import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { transaction } from "@/db/transaction";
import { type AuditActor, appendAudit, type RequestMeta } from "@/server/audit/write";
import { verifyTrackToken } from "@/server/auth/track-token";
import { transition } from "@/server/domain/transition";
import type { RunQueue } from "@/server/engine/run-queue";
import { commitState } from "@/server/engine/store/commit";
import { type LoadedOperation, loadOperations } from "@/server/engine/store/load";
import { endUserAnswerSchema } from "@/server/workflows/kit/end-user-action";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { ackHash } from "./wait-service";

/** Which operation: by its track link (the end user), or by id (staff, already authorised). */
export type EndUserRef = { token: string } | { operationId: string };

/** Who answers: the link's holder at an address, or a staff member for the customer, with a reason. */
export type EndUserAnswerer =
  | { kind: "link"; request: RequestMeta }
  | { kind: "staff"; actor: AuditActor; email: string; reason: string; request: RequestMeta };

export type EndUserSubmitResult =
  /** This answer resumed the step now, or (replayed) the same answer already had. */
  | { type: "accepted"; replayed: boolean; operationId: string }
  /** Forged, altered or unknown link, or no such operation: one answer for all. */
  | { type: "not_found" }
  | { type: "expired" }
  /** The operation is not waiting for the end user (never was, resolved otherwise, finished). */
  | { type: "not_open" }
  /** A different answer came first and stands. */
  | { type: "conflict" }
  /** Not exactly the declared fields, or a value its schema refuses: nothing was written. */
  | { type: "invalid"; issues: { path: string; message: string }[] };

/** The end user's audited identity: the link (one operation's), with no account behind it. */
const linkActor = (operationId: string): AuditActor => ({
  kind: "end_user",
  id: `link:${operationId}`,
  label: "customer (track link)",
  role: "end_user",
});

/**
 * Answers to a step's end-user form (`endUserAction`). One transaction locks the operation,
 * checks it is blocked on the end user (`awaiting_end_user`) at a step with a form, validates
 * the answer strictly, and writes the answer (a completed `end_user_action` wait row), the
 * resume (state + `resumed` event), the run job and the audit record. The first answer wins:
 * a concurrent or later one finds the block gone and is answered from the stored answer
 * (the same again: replayed; another: conflict). The link grants nothing else.
 */
export class EndUserActionService {
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

  async submit(ref: EndUserRef, values: unknown, who: EndUserAnswerer): Promise<EndUserSubmitResult> {
    let operationId: string;
    if ("token" in ref) {
      const granted = verifyTrackToken(ref.token, this.now());
      if (!granted.ok) return { type: granted.reason === "expired" ? "expired" : "not_found" };
      operationId = granted.operationId;
    } else operationId = ref.operationId;
    return transaction(this.deps.db, async (tx) => {
      const op = (await loadOperations(tx.sql, [operationId], { lock: true })).get(operationId);
      if (!op) return { type: "not_found" } as const;
      const block = op.state.block;
      const open = op.state.status === "blocked" && block?.kind === "awaiting_end_user" ? block.step : null;
      const [previous] = open
        ? []
        : await tx.sql<{ step: string; payloadHash: string }[]>`
            select step, payload_hash as "payloadHash" from waits
            where operation_id = ${operationId} and kind = 'end_user_action' and state = 'completed'
            order by created_at desc limit 1`;
      const step = open ?? previous?.step;
      const action = step ? this.formOf(op, step) : undefined;
      if (!step || !action) return { type: "not_open" } as const;
      const parsed = endUserAnswerSchema(action).safeParse(values);
      if (!parsed.success) {
        return {
          type: "invalid",
          issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        } as const;
      }
      const hash = ackHash("succeeded", parsed.data);
      if (!open) {
        return previous!.payloadHash === hash
          ? ({ type: "accepted", replayed: true, operationId } as const)
          : ({ type: "conflict" } as const);
      }
      const resumed = transition(op.state, { type: "resumed" });
      if (!resumed.ok) return { type: "not_open" } as const;
      const waitId = randomUUID();
      const address = who.request.clientAddress ?? "unknown";
      const by = who.kind === "link" ? `track:${address}` : `user:${who.email}`;
      const fields = Object.keys(parsed.data);
      const token = await commitState(tx.sql, {
        operationId,
        token: op.token,
        owner: by,
        leaseMs: 0,
        guard: { kind: "none" },
        before: op.state,
        after: resumed.state,
        leases: {},
        events: [
          {
            type: "resumed",
            step,
            data: {
              endUserAction: true,
              waitId,
              by,
              fields,
              ...(who.kind === "staff" ? { reason: who.reason } : {}),
            },
          },
        ],
        actor: by,
        positions: op.rows.map((r) => r.position),
      });
      // The row is locked, so the token cannot have moved; if it did, roll everything back.
      if (!token) throw new Error(`Operation ${operationId} changed while locked for an end-user answer.`);
      // Since when the customer was asked (the step's latest block), as the detail's Waits shows it.
      await tx.sql`insert into waits (id, operation_id, step, kind, state, target, outcome, payload,
          payload_hash, completed_by, completed_at, created_at)
        values (${waitId}, ${operationId}, ${step}, 'end_user_action', 'completed', 'customer', 'succeeded',
          ${JSON.stringify(parsed.data)}::jsonb, ${hash}, ${by}, now(),
          coalesce((select max(at) from events
            where operation_id = ${operationId} and type = 'blocked' and step = ${step}), now()))`;
      await this.deps.runs.enqueue(tx, [{ data: { operationId, reason: "resume" } }]);
      await appendAudit(
        tx,
        {
          actor: who.kind === "link" ? linkActor(operationId) : who.actor,
          action: who.kind === "link" ? "end_user_action_submitted" : "end_user_action_resolved",
          request: who.request,
          reason: who.kind === "staff" ? who.reason : "Answered on the track page.",
          operationId,
          step,
          workflowType: op.type,
          statusBefore: op.state.status,
          statusAfter: resumed.state.status,
          // The field names only: the answer (personal data) stays on its wait row, not in the
          // append-only history.
          details: { waitId, fields },
        },
        this.now(),
      );
      return { type: "accepted", replayed: false, operationId } as const;
    });
  }

  private formOf(op: LoadedOperation, step: string) {
    return this.deps.registry.get(op.type, op.version)?.steps.find((s) => s.name === step)?.endUserAction;
  }
}
