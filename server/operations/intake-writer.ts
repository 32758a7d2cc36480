import { and, eq, or } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { events, operations, steps } from "@/db/schema";
import type { StartDispatcher } from "./dispatch";

export type NewOperationRow = typeof operations.$inferInsert & { id: string; submittedBy: string };

/** One validated intake, ready to be written. */
export interface PreparedIntake {
  operation: NewOperationRow;
  stepNames: string[];
}

export type WriteOutcome = { type: "created" } | { type: "existing"; id: string; requestHash: string };

interface Pending {
  intake: PreparedIntake;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;

/**
 * Group commit for intake. Each intake is one transaction in meaning — operation,
 * planned steps, `accepted` event and starting job commit together or not at all —
 * but concurrent intakes share a physical transaction: while one commit is in
 * flight the next requests queue up and are written together. At low load a
 * request is written at once, alone; under load many share one commit, which is
 * what lets intake keep up with the raw single-row commit rate.
 */
export class IntakeWriter {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly dispatch: StartDispatcher,
  ) {}

  write(intake: PreparedIntake): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ intake, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.flush(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await writeBatch(
        this.db,
        this.dispatch,
        batch.map((p) => p.intake),
      );
      batch.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad intake must not fail its neighbours: write them one by one.
      for (const p of batch) await this.flush([p]);
    }
  }
}

const idempotencyScope = (op: NewOperationRow) =>
  op.idempotencyKey ? `${op.submittedBy}\u0000${op.idempotencyKey}` : null;

/** Writes a batch in one transaction; returns, per intake, whether it was created or already existed. */
export async function writeBatch(
  db: Db,
  dispatch: StartDispatcher,
  intakes: PreparedIntake[],
): Promise<WriteOutcome[]> {
  // The same (caller, key) twice in one batch: only the first is written, the rest follow it.
  const leaders = new Map<string, number>();
  const toWrite: PreparedIntake[] = [];
  intakes.forEach((intake, i) => {
    const scope = idempotencyScope(intake.operation);
    if (scope && leaders.has(scope)) return;
    if (scope) leaders.set(scope, i);
    toWrite.push(intake);
  });

  const created = await db.transaction(async (tx) => {
    // A concurrent writer of the same key makes this wait for its commit, then skip
    // the row: one operation per key, never two and never an error.
    const inserted = await tx
      .insert(operations)
      .values(toWrite.map((i) => i.operation))
      .onConflictDoNothing()
      .returning({ id: operations.id });
    const ids = new Set(inserted.map((r) => r.id));
    const fresh = toWrite.filter((i) => ids.has(i.operation.id));
    if (fresh.length > 0) await writeChildren(tx, dispatch, fresh);
    return ids;
  });

  const missing = toWrite.filter((i) => !created.has(i.operation.id)).map((i) => i.operation);
  const existing = await findExisting(db, missing);
  return intakes.map((intake) => {
    if (created.has(intake.operation.id)) return { type: "created" } as const;
    const found = existing.get(idempotencyScope(intake.operation) ?? "");
    if (found) return { type: "existing", ...found } as const;
    // The leader of a same-batch duplicate was created: this one is a replay of it.
    const leader = intakes[leaders.get(idempotencyScope(intake.operation) ?? "") ?? -1];
    if (leader && created.has(leader.operation.id)) {
      return { type: "existing", id: leader.operation.id, requestHash: leader.operation.requestHash } as const;
    }
    throw new Error(`Intake of ${intake.operation.id} was neither written nor found.`);
  });
}

async function writeChildren(tx: Tx, dispatch: StartDispatcher, fresh: PreparedIntake[]): Promise<void> {
  await Promise.all([
    tx.insert(steps).values(
      fresh.flatMap(({ operation, stepNames }) =>
        stepNames.map((name, position) => ({ operationId: operation.id, position, name })),
      ),
    ),
    tx.insert(events).values(
      fresh.map(({ operation }) => ({
        operationId: operation.id,
        type: "accepted" as const,
        actor: operation.submittedBy,
        data: { version: operation.version, idempotencyKey: operation.idempotencyKey ?? null },
      })),
    ),
    dispatch(
      tx,
      fresh.map(({ operation }) => ({ id: operation.id, type: operation.type, version: operation.version })),
    ),
  ]);
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

