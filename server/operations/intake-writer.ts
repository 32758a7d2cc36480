import { and, eq, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { GroupBatcher } from "@/db/group-batcher";
import { operations, steps } from "@/db/schema";
import { type Tx, transaction } from "@/db/transaction";
import type { RunQueue } from "@/server/engine/run-queue";
import {
  type OperationRecord,
  type OperationWithSteps,
  operationColumns,
  type StepRecord,
  stepColumns,
} from "@/server/presenters/operation-presenter";

export type NewOperationRow = typeof operations.$inferInsert & { id: string; submittedBy: string };

/** One validated intake, ready to be written. */
export interface PreparedIntake {
  operation: NewOperationRow;
  stepNames: string[];
}

export type WriteOutcome =
  /** `operation`: the rows as this transaction wrote them (`returning`), read like a presenter reads them. */
  { type: "created"; operation: OperationWithSteps } | { type: "existing"; id: string; requestHash: string };

const MAX_BATCH = 200;
/**
 * Commits in flight at once, per process. Measured with 16 clients: 1 → batches of
 * ~8 in ~5 ms; 2–4 → smaller batches that contend on the same indexes and lose
 * 30–50 % of the throughput. So one, and let the queue grow the batch.
 */
const MAX_CONCURRENT_FLUSHES = 1;

/**
 * Group commit for intake. Each intake is one transaction in meaning — operation,
 * planned steps, `accepted` event and starting job commit together or not at all —
 * but concurrent intakes share a physical transaction: while one commit is in
 * flight the next requests queue up and are written together (GroupBatcher). At low
 * load a request is written at once, alone; under load many share one commit, which
 * is what lets intake keep up with the raw single-row commit rate. One bad intake
 * never fails its neighbours: a failing batch is written again one by one.
 */
export class IntakeWriter {
  private readonly batcher: GroupBatcher<PreparedIntake, WriteOutcome>;

  constructor(db: Db, runs: Pick<RunQueue, "enqueue">) {
    this.batcher = new GroupBatcher({
      maxBatch: MAX_BATCH,
      maxInFlight: MAX_CONCURRENT_FLUSHES,
      run: (intakes) => writeBatch(db, runs, intakes),
    });
  }

  write(intake: PreparedIntake): Promise<WriteOutcome> {
    return this.batcher.submit(intake);
  }
}

const idempotencyScope = (op: NewOperationRow) =>
  op.idempotencyKey ? `${op.submittedBy}\u0000${op.idempotencyKey}` : null;

/** Writes a batch in one transaction; returns, per intake, whether it was created or already existed. */
export async function writeBatch(
  db: Db,
  runs: Pick<RunQueue, "enqueue">,
  intakes: PreparedIntake[],
): Promise<WriteOutcome[]> {
  // The same (caller, key) twice in one batch: only the first is written, the rest follow it.
  const leaders = new Map<string, number>();
  const toWrite: PreparedIntake[] = [];
  for (const [i, intake] of intakes.entries()) {
    const scope = idempotencyScope(intake.operation);
    if (scope && leaders.has(scope)) continue;
    if (scope) leaders.set(scope, i);
    toWrite.push(intake);
  }

  const created = await transaction(db, async (tx) => {
    // A concurrent writer of the same key makes this wait for its commit, then skip
    // the row: one operation per key, never two and never an error.
    const written = new Map<string, OperationWithSteps>(
      (await insertOperations(tx, toWrite)).map((row) => {
        const op = fromRow<OperationRecord>(operationsReturned, row);
        return [op.id, { ...op, steps: [] }];
      }),
    );
    const fresh = toWrite.filter((i) => written.has(i.operation.id));
    if (fresh.length > 0) {
      for (const row of await writeChildren(tx, runs, fresh)) {
        const { operationId, ...step } = fromRow<StepRecord & { operationId: string }>(stepsReturned, row);
        written.get(operationId)!.steps.push(step);
      }
    }
    return written;
  });

  const missing = toWrite.filter((i) => !created.has(i.operation.id)).map((i) => i.operation);
  const existing = await findExisting(db, missing);
  return intakes.map((intake) => {
    const operation = created.get(intake.operation.id);
    if (operation) return { type: "created", operation } as const;
    const found = existing.get(idempotencyScope(intake.operation) ?? "");
    if (found) return { type: "existing", ...found } as const;
    // The leader of a same-batch duplicate was created: this one is a replay of it.
    const leader = intakes[leaders.get(idempotencyScope(intake.operation) ?? "") ?? -1];
    if (leader && created.has(leader.operation.id)) {
      return {
        type: "existing",
        id: leader.operation.id,
        requestHash: leader.operation.requestHash,
      } as const;
    }
    throw new Error(`Intake of ${intake.operation.id} was neither written nor found.`);
  });
}

/*
 * The batch statements take one array per column and `unnest` them, so their SQL
 * text never changes with the batch size: PostgreSQL prepares each one once.
 */
const param = <T>(values: T[]) => sql.param(values);
// Booleans go as text[] and are cast after: typed bool[], postgres.js serialises each element as
// `x === true ? "t" : "f"`, so the strings "true" all arrived false (no operation was ever synthetic).

/*
 * What intake answers with is what it wrote: the inserts return the columns a presenter reads
 * (OperationPresenter's), mapped by the same drizzle columns, so the 202 needs no read after
 * the commit — that read was two statements per request (issue 14).
 */
type Columns = Record<string, { name: string; mapFromDriverValue(value: unknown): unknown }>;
const returning = (columns: Columns) =>
  sql.raw(
    Object.values(columns)
      .map((c) => `"${c.name}"`)
      .join(", "),
  );
function fromRow<T>(columns: Columns, row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    const value = row[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T;
}
const stepsReturned = { operationId: steps.operationId, ...stepColumns } as unknown as Columns;
const operationsReturned = operationColumns as unknown as Columns;

function insertOperations(tx: Tx, intakes: PreparedIntake[]) {
  const ops = intakes.map((i) => i.operation);
  const col = <T>(pick: (o: NewOperationRow) => T) => param(ops.map(pick));
  return tx.db.execute<Record<string, unknown>>(sql`
    insert into operations (id, type, version, status, input, subject, reference, submitted_by,
                            idempotency_key, request_hash, current_step, trace_id, trace_parent, synthetic)
    select * from unnest(
      ${col((o) => o.id)}::uuid[], ${col((o) => o.type)}::text[], ${col((o) => o.version)}::int[],
      ${col((o) => o.status ?? "accepted")}::operation_status[], ${col((o) => JSON.stringify(o.input))}::jsonb[],
      ${col((o) => o.subject ?? null)}::text[], ${col((o) => o.reference ?? null)}::text[],
      ${col((o) => o.submittedBy)}::text[], ${col((o) => o.idempotencyKey ?? null)}::text[],
      ${col((o) => o.requestHash)}::text[], ${col((o) => o.currentStep ?? null)}::text[],
      ${col((o) => o.traceId)}::text[], ${col((o) => o.traceParent ?? null)}::text[],
      ${col((o) => String(o.synthetic ?? false))}::text[]::bool[])
    on conflict do nothing
    returning ${returning(operationsReturned)}`);
}

/** Steps, `accepted` events and start jobs of the fresh operations; answers the step rows written. */
async function writeChildren(
  tx: Tx,
  runs: Pick<RunQueue, "enqueue">,
  fresh: PreparedIntake[],
): Promise<Record<string, unknown>[]> {
  const stepRows = fresh.flatMap(({ operation, stepNames }) =>
    stepNames.map((name, position) => ({ id: operation.id, position, name })),
  );
  const ops = fresh.map((i) => i.operation);
  const [written] = await Promise.all([
    tx.db.execute<Record<string, unknown>>(sql`
      insert into steps (operation_id, position, name)
      select * from unnest(${param(stepRows.map((s) => s.id))}::uuid[],
        ${param(stepRows.map((s) => s.position))}::int[], ${param(stepRows.map((s) => s.name))}::text[])
      returning ${returning(stepsReturned)}`),
    tx.db.execute(sql`
      insert into events (operation_id, type, actor, data)
      select id, 'accepted', actor, data from unnest(${param(ops.map((o) => o.id))}::uuid[],
        ${param(ops.map((o) => o.submittedBy))}::text[],
        ${param(ops.map((o) => JSON.stringify({ version: o.version, idempotencyKey: o.idempotencyKey ?? null })))}::jsonb[])
        as t(id, actor, data)`),
    // The start job: execution begins once this commits, and never without the operation.
    runs.enqueue(
      tx,
      ops.map((o) => ({
        data: { operationId: o.id, reason: "start", workflow: { type: o.type, version: o.version } },
      })),
    ),
  ]);
  // In step order per operation, as the presenter reads them.
  return [...written].sort((a, b) => Number(a.position) - Number(b.position));
}

async function findExisting(db: Db, ops: NewOperationRow[]) {
  const found = new Map<string, { id: string; requestHash: string }>();
  const keyed = ops.filter((o) => o.idempotencyKey);
  if (keyed.length === 0) return found;
  const rows = await db
    .select({
      id: operations.id,
      submittedBy: operations.submittedBy,
      idempotencyKey: operations.idempotencyKey,
      requestHash: operations.requestHash,
    })
    .from(operations)
    .where(
      or(
        ...keyed.map((o) =>
          and(eq(operations.submittedBy, o.submittedBy), eq(operations.idempotencyKey, o.idempotencyKey!)),
        ),
      ),
    );
  for (const r of rows) found.set(`${r.submittedBy}\u0000${r.idempotencyKey}`, r);
  return found;
}
