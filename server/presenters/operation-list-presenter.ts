import { and, asc, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operations, steps } from "@/db/schema";
import type { OperationStatus } from "@/server/domain/statuses";
import { type OperationWithSteps, operationColumns, stepColumns } from "./operation-presenter";

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

/** A page of operations with their steps, newest first, for the API's list. */
export class OperationListPresenter {
  constructor(private readonly db: Db) {}

  /** A page of operations, newest first; `next` is the cursor of the following page. */
  async call(filter: ListOperationsFilter): Promise<{ items: OperationWithSteps[]; next: string | null }> {
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
