import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
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

/** One operation with its steps, as the API and the app read it. */
export class OperationPresenter {
  constructor(private readonly db: Db) {}

  /** The operation and its steps in order, or null (also for ids that are not UUIDs). */
  async call(id: string): Promise<OperationWithSteps | null> {
    if (!isOperationId(id)) return null;
    const [op] = await this.db.select(operationColumns).from(operations).where(eq(operations.id, id));
    if (!op) return null;
    const rows = await this.db
      .select(stepColumns)
      .from(steps)
      .where(eq(steps.operationId, id))
      .orderBy(asc(steps.position));
    return { ...op, steps: rows };
  }
}
