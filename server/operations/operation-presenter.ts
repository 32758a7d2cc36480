import { and, asc, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operations, steps } from "@/db/schema";
import type { OperationStatus } from "@/server/domain/statuses";
import type { WorkflowRegistry } from "@/server/workflows/registry";

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

export interface ListOperationsFilter {
  status?: OperationStatus;
  type?: string;
  /** Only these types (an API key limited to workflow types); undefined: every type. */
  types?: string[];
  subject?: string;
  reference?: string;
  /** Only operations submitted by this caller (a read key scoped to its own work). */
  submittedBy?: string;
  /** Id of the last operation of the previous page. */
  cursor?: string;
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isOperationId = (value: string) => UUID.test(value);

/** Read models of operations for the API and the console. */
export class OperationPresenter {
  constructor(
    private readonly db: Db,
    readonly registry: WorkflowRegistry,
  ) {}

  /** One operation with its steps in order, or null (also for ids that are not UUIDs). */
  async get(id: string): Promise<OperationWithSteps | null> {
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

  /** A page of operations, newest first; `next` is the cursor of the following page. */
  async list(filter: ListOperationsFilter): Promise<{ items: OperationWithSteps[]; next: string | null }> {
    const where: SQL[] = [];
    if (filter.status) where.push(eq(operations.status, filter.status));
    if (filter.type) where.push(eq(operations.type, filter.type));
    if (filter.types) where.push(inArray(operations.type, filter.types));
    if (filter.subject) where.push(eq(operations.subject, filter.subject));
    if (filter.reference) where.push(eq(operations.reference, filter.reference));
    if (filter.submittedBy) where.push(eq(operations.submittedBy, filter.submittedBy));
    if (filter.cursor) where.push(lt(operations.id, filter.cursor));
    const rows = await this.db
      .select(operationColumns)
      .from(operations)
      .where(and(...where))
      .orderBy(desc(operations.id))
      .limit(filter.limit + 1);
    const page = rows.slice(0, filter.limit);
    const stepRows =
      page.length === 0
        ? []
        : await this.db
            .select({ ...stepColumns, operationId: steps.operationId })
            .from(steps)
            .where(inIds(page.map((r) => r.id)))
            .orderBy(asc(steps.operationId), asc(steps.position));
    const byOp = groupBy(stepRows, (s) => s.operationId);
    return {
      items: page.map((op) => ({
        ...op,
        steps: (byOp.get(op.id) ?? []).map(({ operationId: _, ...s }) => s),
      })),
      next: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}

const inIds = (ids: string[]) => inArray(steps.operationId, ids);

/** Map.groupBy needs Node 21; we support Node 20. */
function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
