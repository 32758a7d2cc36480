import { v7 as uuidv7 } from "uuid";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { events } from "@/db/schema";
import type { RunQueue } from "@/server/engine/run-queue";
import type { OperationWithSteps } from "@/server/presenters/operation-presenter";
import { ATTRS, inIntakeSpan, type TraceLink, traceparentOf } from "@/server/telemetry/tracing";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";
import { IntakeWriter } from "./intake-writer";
import { type FieldIssue, zodIssues } from "./issues";
import { requestHash } from "./request-hash";

export interface StartRequestBody {
  type: string;
  input: unknown;
  subject?: string | null;
  reference?: string | null;
}

export type IntakeResult =
  /** `operation`: as this intake wrote it (accepted, steps pending), before any worker touched it. */
  | { type: "created"; operationId: string; workflow: WorkflowDefinition; operation: OperationWithSteps }
  | { type: "replayed"; operationId: string; workflow: WorkflowDefinition }
  | { type: "unknown_workflow"; workflowType: string }
  | { type: "invalid_input"; issues: FieldIssue[] }
  | { type: "idempotency_conflict"; operationId: string }
  /** An operator paused this workflow type and chose to refuse new work meanwhile. */
  | { type: "workflow_paused"; workflowType: string; retryAfterSeconds: number };

/** Asked before accepting work of a type: null to accept, or how long the caller should wait (pause-gate.ts). */
export type IntakeGate = (workflowType: string) => Promise<{ retryAfterSeconds: number } | null>;

export interface IntakeOptions {
  request: StartRequestBody;
  /** Who is asking, e.g. `key:tl_ab12cd` — also the scope of idempotency keys. */
  caller: string;
  idempotencyKey?: string | null;
  /**
   * The caller's W3C `traceparent` header: the intake span (and so every step span) joins that
   * trace. Malformed or absent: a new trace.
   */
  traceparent?: string | null;
  /** A trace to join when no traceparent is given (harnesses, tests): as a parent with a fresh span id. */
  traceId?: string | null;
  synthetic?: boolean;
}

/**
 * Intake: validates a command against its workflow and records it durably —
 * operation, planned steps, `accepted` event and starting job in one commit —
 * before anything else happens. Nothing is sent, charged or called here. The
 * transports call it through StartOperationService (start-operation.ts); the engine's
 * harness and benchmarks call it directly.
 */
export class IntakeService {
  private readonly writer: IntakeWriter;

  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
    /** Writes each accepted operation's start job in its intake transaction. */
    runs: Pick<RunQueue, "enqueue">,
    /** Paused workflow types (pause-gate.ts); absent = always accept. */
    private readonly gate?: IntakeGate,
  ) {
    this.writer = new IntakeWriter(db, runs);
  }

  /** Intake inside its `throughline.intake` span (server/telemetry/tracing.ts). */
  call(options: IntakeOptions): Promise<IntakeResult> {
    const caller = options.traceparent ?? traceparentOf(options.traceId);
    return inIntakeSpan(caller, async (link, span) => {
      const result = await this.accept(options, link);
      span.setAttributes({
        [ATTRS.type]: options.request.type,
        [ATTRS.outcome]: result.type,
        ...("operationId" in result ? { [ATTRS.operationId]: result.operationId } : {}),
        ...("workflow" in result ? { [ATTRS.version]: result.workflow.version } : {}),
      });
      return result;
    });
  }

  private async accept(options: IntakeOptions, link: TraceLink): Promise<IntakeResult> {
    const { request, caller } = options;
    const workflow = this.registry.latest(request.type);
    if (!workflow) return { type: "unknown_workflow", workflowType: request.type };
    const paused = await this.gate?.(workflow.type);
    if (paused) return { type: "workflow_paused", workflowType: workflow.type, ...paused };

    const parsed = (workflow.input as z.ZodType).safeParse(request.input);
    if (!parsed.success) return { type: "invalid_input", issues: zodIssues(parsed.error, "/input") };

    // "The same request" is the validated one: defaults applied, fields the schema drops gone
    // (docs/api.md, Idempotency). Hashing the raw body made `"currency":"EUR"` a conflict.
    const hash = requestHash({ ...request, input: parsed.data });
    const id = uuidv7();
    const outcome = await this.writer.write({
      operation: {
        id,
        type: workflow.type,
        version: workflow.version,
        status: "accepted",
        input: parsed.data as object,
        subject: request.subject ?? null,
        reference: request.reference ?? null,
        submittedBy: caller,
        idempotencyKey: options.idempotencyKey ?? null,
        requestHash: hash,
        currentStep: workflow.steps[0]?.name ?? null,
        traceId: link.traceId,
        traceParent: link.traceParent,
        synthetic: options.synthetic ?? false,
      },
      stepNames: workflow.steps.map((s) => s.name),
    });
    if (outcome.type === "created")
      return { type: "created", operationId: id, workflow, operation: outcome.operation };

    // The key was used before: the same request replays, a different one is refused.
    const sameRequest = outcome.requestHash === hash;
    await this.db.insert(events).values({
      operationId: outcome.id,
      type: sameRequest ? "intake_replayed" : "intake_conflict",
      actor: caller,
      data: { idempotencyKey: options.idempotencyKey, requestHash: hash },
    });
    if (!sameRequest) return { type: "idempotency_conflict", operationId: outcome.id };
    return { type: "replayed", operationId: outcome.id, workflow };
  }
}
