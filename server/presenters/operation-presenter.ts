import { asc, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { GroupBatcher } from "@/db/group-batcher";
import { operations, steps } from "@/db/schema";

/** Columns a reader of an operation needs; heavy internals (lease owner) stay out. */
export const operationColumns = {
  id: operations.id,
  type: operations.type,
  version: operations.version,
  status: operations.status,
  input: operations.input,
  subject: operations.subject,
  reference: operations.reference,
  submittedBy: operations.submittedBy,
  idempotencyKey: operations.idempotencyKey,
  requestHash: operations.requestHash,
  result: operations.result,
  error: operations.error,
  blockedKind: operations.blockedKind,
  blockedReason: operations.blockedReason,
  actionRequired: operations.actionRequired,
  currentStep: operations.currentStep,
  traceId: operations.traceId,
  synthetic: operations.synthetic,
  createdAt: operations.createdAt,
  updatedAt: operations.updatedAt,
  completedAt: operations.completedAt,
};

export const stepColumns = {
  name: steps.name,
  position: steps.position,
  status: steps.status,
  attempts: steps.attempts,
  startedAt: steps.startedAt,
  finishedAt: steps.finishedAt,
  nextAttemptAt: steps.nextAttemptAt,
  lastError: steps.lastError,
  output: steps.output,
  skipReason: steps.skipReason,
};

export type OperationRecord = {
  [K in keyof typeof operationColumns]: (typeof operations.$inferSelect)[K];
};
export type StepRecord = { [K in keyof typeof stepColumns]: (typeof steps.$inferSelect)[K] };
export type OperationWithSteps = OperationRecord & { steps: StepRecord[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isOperationId = (value: string) => UUID.test(value);

/**
 * Reads in flight at once. Each read is two statements; with 16 intake clients a batch holds
 * most of the requests that arrived while the previous one was out (measured: issue 14).
 */
const MAX_READS_IN_FLIGHT = 2;
const MAX_READ_BATCH = 100;

/**
 * One operation with its steps, as the API and the app read it. Concurrent reads share their
 * round trips (GroupBatcher): every intake answers with the operation it just wrote, so under
 * load two statements per request became two per batch — the socket writes to PostgreSQL were
 * a fifth of the web process's CPU.
 */
export class OperationPresenter {
  private readonly batcher: GroupBatcher<string, OperationWithSteps | null>;

  constructor(private readonly db: Db) {
    this.batcher = new GroupBatcher({
      maxBatch: MAX_READ_BATCH,
      maxInFlight: MAX_READS_IN_FLIGHT,
      run: (ids) => this.readMany(ids),
    });
  }

  /** The operation and its steps in order, or null (also for ids that are not UUIDs). */
  async call(id: string): Promise<OperationWithSteps | null> {
    if (!isOperationId(id)) return null;
    return this.batcher.submit(id.toLowerCase());
  }

  /**
   * One answer per id, in order; the same id twice in a batch reads once. `= any($1)` keeps the
   * SQL text the same for every batch size, so PostgreSQL prepares each statement once.
   */
  private async readMany(ids: string[]): Promise<(OperationWithSteps | null)[]> {
    const unique = [...new Set(ids)];
    const ops = await this.db
      .select(operationColumns)
      .from(operations)
      .where(sql`${operations.id} = any(${sql.param(unique)}::uuid[])`);
    const found = ops.map((o) => o.id);
    const rows =
      found.length === 0
        ? []
        : await this.db
            .select({ operationId: steps.operationId, ...stepColumns })
            .from(steps)
            .where(sql`${steps.operationId} = any(${sql.param(found)}::uuid[])`)
            .orderBy(asc(steps.operationId), asc(steps.position));
    const byOperation = new Map<string, OperationWithSteps>(ops.map((o) => [o.id, { ...o, steps: [] }]));
    for (const { operationId, ...step } of rows) byOperation.get(operationId)?.steps.push(step);
    return ids.map((id) => byOperation.get(id) ?? null);
  }
}
