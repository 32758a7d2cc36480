import type { Db } from "@/db/client";
import { createTrackToken } from "@/server/auth/track-token";
import type { EventType } from "@/server/domain/events";
import type { BlockKind, OperationStatus } from "@/server/domain/statuses";
import { currentCursor, type FeedCursor } from "@/server/live/feed";
import { asDate, asDateOrNull } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { statusText } from "@/server/workflows/kit/status-text";
import { redact } from "./redact";
import { runJobsKept, runJobsOf } from "./run-jobs";
import { deriveSegments, type Segment } from "./segments";
import { type DetailStep, detailSteps } from "./steps";
import { type Attempt, deriveAttempts, orderedTimeline, type TimelineLine } from "./timeline";
import { type DetailWait, detailWaits } from "./waits";

const RELATED_LIMIT = 10;

export interface OperationDetail {
  cursor: FeedCursor;
  operation: {
    id: string;
    type: string;
    version: number;
    title: string;
    status: OperationStatus;
    statusText: string;
    subject: string | null;
    reference: string | null;
    submittedBy: string;
    traceId: string;
    synthetic: boolean;
    currentStep: string | null;
    createdAt: Date;
    updatedAt: Date;
    completedAt: Date | null;
    blocked: { kind: BlockKind; reason: string; actionRequired: string } | null;
    error: { message: string; code: string | null; step: string | null } | null;
    input: unknown;
    result: unknown;
    trackPath: string | null;
    /** The workflow's runbook, until the alerts issue links richer ones. */
    runbook: string | null;
  };
  steps: DetailStep[];
  timeline: TimelineLine[];
  attempts: Attempt[];
  segments: Segment[];
  idempotency: {
    key: string | null;
    requestHash: string;
    scope: string;
    firstAnswer: { at: Date; status: "accepted"; statusCode: 202 };
    replays: { at: Date; actor: string }[];
    conflicts: { at: Date; actor: string; requestHash: string | null }[];
  };
  related: { id: string; type: string; status: OperationStatus; reference: string | null; createdAt: Date }[];
  relatedMore: boolean;
  /** Durable waits of the operation (server/waits), newest first, with the answers each received. */
  waits: DetailWait[];
}

interface OpRow {
  id: string;
  type: string;
  version: number;
  status: OperationStatus;
  input: unknown;
  subject: string | null;
  reference: string | null;
  submittedBy: string;
  idempotencyKey: string | null;
  requestHash: string;
  result: unknown;
  error: { message?: string; code?: string; step?: string } | null;
  blockedKind: BlockKind | null;
  blockedReason: string | null;
  actionRequired: string | null;
  currentStep: string | null;
  traceId: string;
  synthetic: boolean;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/**
 * Everything staff see about one operation, in one read: status and product line, steps,
 * the timeline with attempts and hops, redacted inputs and outputs, the idempotency record
 * and the subject's other operations. Only a staff procedure may call it.
 */
export class OperationDetailPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async call(id: string): Promise<OperationDetail | null> {
    const sql = this.db.$client;
    const cursor = await currentCursor(sql);
    const [op] = await sql<OpRow[]>`
      select id, type, version, status, input, subject, reference, submitted_by as "submittedBy",
        idempotency_key as "idempotencyKey", request_hash as "requestHash", result, error,
        blocked_kind as "blockedKind", blocked_reason as "blockedReason", action_required as "actionRequired",
        current_step as "currentStep", trace_id as "traceId", synthetic, created_at as "createdAt",
        updated_at as "updatedAt", completed_at as "completedAt"
      from operations where id = ${id}::uuid`;
    if (!op) return null;
    const createdAt = asDate(op.createdAt);
    const completedAt = asDateOrNull(op.completedAt);
    const now = this.now();
    const workflow = this.registry.get(op.type, op.version);
    const [steps, eventRows, related, jobs] = await Promise.all([
      detailSteps(sql, id, workflow),
      // `order by id` would sort the text column of that name: "10" before "9", so after a few
      // events a resumed operation listed its later events above "Accepted".
      sql<{ id: string; type: EventType; step: string | null; actor: string; data: unknown; at: string }[]>`
        select id::text, type, step, actor, data, at from events where operation_id = ${id}::uuid
          order by events.id`,
      op.subject
        ? sql<
            {
              id: string;
              type: string;
              status: OperationStatus;
              reference: string | null;
              createdAt: string;
            }[]
          >`
            select id, type, status, reference, created_at as "createdAt" from operations
            where subject = ${op.subject} and id <> ${id}::uuid order by id desc limit ${RELATED_LIMIT + 1}`
        : Promise.resolve([]),
      runJobsKept(completedAt, now) ? runJobsOf(sql, id, createdAt, completedAt ?? now) : Promise.resolve([]),
    ]);

    const timeline = orderedTimeline(
      eventRows.map((e) => ({
        id: Number(e.id),
        type: e.type,
        step: e.step,
        actor: e.actor,
        data: e.data,
        at: asDate(e.at),
      })),
      createdAt,
    );
    const waits = await detailWaits(
      sql,
      id,
      workflow,
      eventRows.map((e) => ({ type: e.type, at: asDate(e.at), data: e.data })),
    );
    const replays = timeline.filter((e) => e.type === "intake_replayed");
    const conflicts = timeline.filter((e) => e.type === "intake_conflict");
    return {
      cursor,
      operation: {
        id: op.id,
        type: op.type,
        version: op.version,
        title: workflow?.title ?? op.type,
        status: op.status,
        // As the track page reads it: a step with an open wait (an acknowledgment, or a timer
        // while scheduled) says the wait's words, not its running text.
        statusText: statusText(workflow, {
          ...op,
          waiting: waits.some((w) => w.state === "waiting" && w.step === op.currentStep),
        }),
        subject: op.subject,
        reference: op.reference,
        submittedBy: op.submittedBy,
        traceId: op.traceId,
        synthetic: op.synthetic,
        currentStep: op.currentStep,
        createdAt,
        updatedAt: asDate(op.updatedAt),
        completedAt,
        blocked:
          op.status === "blocked" && op.blockedKind
            ? {
                kind: op.blockedKind,
                reason: op.blockedReason ?? "",
                actionRequired: op.actionRequired ?? "",
              }
            : null,
        error: op.error?.message
          ? { message: op.error.message, code: op.error.code ?? null, step: op.error.step ?? null }
          : null,
        input: redact(op.input),
        result: redact(op.result),
        trackPath: trackPath(op.id),
        runbook: workflow?.runbook ?? null,
      },
      steps,
      timeline,
      attempts: deriveAttempts(timeline),
      segments: deriveSegments({ acceptedAt: createdAt, entries: timeline, jobs, now }),
      idempotency: {
        key: op.idempotencyKey,
        requestHash: op.requestHash,
        scope: op.submittedBy,
        firstAnswer: { at: createdAt, status: "accepted", statusCode: 202 },
        replays: replays.map((e) => ({ at: e.at, actor: e.actor })),
        conflicts: conflicts.map((e) => ({ at: e.at, actor: e.actor, requestHash: e.requestHash })),
      },
      related: related.slice(0, RELATED_LIMIT).map((r) => ({ ...r, createdAt: asDate(r.createdAt) })),
      relatedMore: related.length > RELATED_LIMIT,
      waits,
    };
  }
}

/** The end user's link, when this server can sign one. */
function trackPath(id: string): string | null {
  try {
    return `/track/${createTrackToken(id)}`;
  } catch {
    return null;
  }
}
