import type { Db } from "@/db/client";
import { sqlList } from "@/db/sql-list";
import { type Tx, transaction } from "@/db/transaction";
import { RUNNABLE_STATUSES } from "@/server/domain/statuses";
import { WAIT_LEASE_PREFIX } from "@/server/waits/settings";
import type { RunQueue } from "./run-queue";
import { SWEEPER_LEASE_PREFIX } from "./store/load";

// Any constant works: only one worker at a time needs to look for orphans.
const ORPHAN_SWEEP_LOCK = 7_130_005;

export interface SweeperOptions {
  db: Db;
  owner: string;
  /** How often expired leases are looked for (a worker that died without its liveness lock: lease + this). */
  sweepMs: number;
  /** How often workers whose liveness lock is free are looked for. Recovery of a dead worker's step ≈ this. */
  deadSweepMs: number;
  /** A recovered step's job must claim it within this long, or it is swept (and enqueued) again. */
  requeueAfterMs: number;
  /** How often in-flight operations with no progress and no lease are looked for. */
  orphanSweepMs: number;
  /** How long an in-flight operation may go without progress before it counts as orphaned. */
  staleAfterMs: number;
  runs: Pick<RunQueue, "enqueue">;
  log(line: string): void;
}

/**
 * Crash recovery that does not wait for the queue. Every worker runs it:
 * - a worker whose liveness lock is free (liveness.ts) died, its connections closed: its
 *   leases are taken at once the same way, without waiting for them to expire;
 * - a step whose lease expired belonged to a worker that died (or stalled): the sweeper
 *   marks the lease as its own — anyone may claim it, the stalled worker no longer can
 *   commit — and writes a run job for the operation, in one transaction;
 * - an in-flight operation with no live lease and no progress for a while (its job was
 *   dead-lettered, or rows were written without one) gets a run job, throttled per operation;
 *   a step scheduled for later (an open timer) is not such an operation until the
 *   threshold has passed after its due time.
 */
export class Sweeper {
  private timers: NodeJS.Timeout[] = [];
  private busy = new Set<Promise<unknown>>();

  constructor(private readonly options: SweeperOptions) {}

  start(): void {
    const { sweepMs, deadSweepMs, orphanSweepMs } = this.options;
    this.timers.push(setInterval(() => this.track(this.sweepLeases()), sweepMs));
    let sweeping = false;
    // Often, so never two at once: a slow round trip under load skips a tick instead of piling up.
    const sweepDead = () => {
      if (sweeping) return;
      sweeping = true;
      this.track(this.sweepDeadOwners().finally(() => (sweeping = false)));
    };
    this.timers.push(setInterval(sweepDead, deadSweepMs));
    this.timers.push(setInterval(() => this.track(this.sweepOrphans()), orphanSweepMs));
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.busy]);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((error: Error) => this.options.log(`sweep failed: ${error.message}`));
    this.busy.add(tracked);
    void tracked.finally(() => this.busy.delete(tracked));
  }

  /** Expired leases → sweeper's lease + a recovery job. Returns the operations recovered. */
  async sweepLeases(): Promise<string[]> {
    const { db, owner, requeueAfterMs } = this.options;
    return transaction(db, async (tx) => {
      const rows = await tx.sql<{ operationId: string }[]>`
        with expired as (
          select operation_id, position from steps
          where lease_owner is not null and lease_expires_at < now()
          order by lease_expires_at limit 200
          for update skip locked
        )
        update steps s set lease_owner = ${SWEEPER_LEASE_PREFIX + owner},
          lease_expires_at = now() + ${requeueAfterMs} * interval '1 millisecond'
        from expired where s.operation_id = expired.operation_id and s.position = expired.position
        returning s.operation_id as "operationId"`;
      await this.requeue(tx, rows, "whose lease expired");
      return [...new Set(rows.map((r) => r.operationId))];
    });
  }

  /**
   * Workers whose liveness lock is free → marked stopped, their leases taken like expired ones.
   * The lock test is a transaction-level try-lock: it fails while the owner's session lives (a
   * stalled process keeps its socket, so it keeps its leases), and it keeps two sweepers from
   * taking the same dead worker's leases at once. Polled often: the common case is one read of
   * `workers` (a row per process start) outside a transaction that matches nothing.
   */
  async sweepDeadOwners(): Promise<string[]> {
    const { db, owner, requeueAfterMs } = this.options;
    // The common case in one round trip and no transaction: nobody died.
    const suspects = await db.$client<{ id: string }[]>`
      select id from workers
      where stopped_at is null and liveness_lock is not null and id <> ${owner}
        and pg_try_advisory_xact_lock(liveness_lock)`;
    if (suspects.length === 0) return [];
    return transaction(db, async (tx) => {
      const dead = await tx.sql<{ id: string }[]>`
        update workers set stopped_at = now()
        where stopped_at is null and liveness_lock is not null and id <> ${owner}
          and pg_try_advisory_xact_lock(liveness_lock)
        returning id`;
      if (dead.length === 0) return [];
      const rows = await tx.sql<{ operationId: string }[]>`
        update steps set lease_owner = ${SWEEPER_LEASE_PREFIX + owner},
          lease_expires_at = now() + ${requeueAfterMs} * interval '1 millisecond'
        where lease_owner is not null and lease_owner in ${tx.sql(dead.map((d) => d.id))}
        returning operation_id as "operationId"`;
      this.options.log(`worker(s) ${dead.map((d) => d.id).join(", ")} gone (liveness lock free)`);
      await this.requeue(tx, rows, "of a worker that is gone");
      return [...new Set(rows.map((r) => r.operationId))];
    });
  }

  /** A recovery job per swept operation, in the sweep's transaction. */
  private async requeue(tx: Tx, rows: { operationId: string }[], why: string): Promise<void> {
    const ids = [...new Set(rows.map((r) => r.operationId))];
    if (ids.length === 0) return;
    // One recovery job per operation and window: under a backlog, a step swept again before
    // its job ran does not pile up more jobs.
    const seconds = Math.max(1, Math.ceil(this.options.requeueAfterMs / 1000));
    await this.options.runs.enqueue(
      tx,
      ids.map((operationId) => ({
        data: { operationId, reason: "recover" },
        singletonKey: `recover:${operationId}`,
        singletonSeconds: seconds,
      })),
    );
    this.options.log(`recovered ${ids.length} step(s) ${why}`);
  }

  /** Stale in-flight operations with nobody working on them → a recovery job each. */
  async sweepOrphans(): Promise<string[]> {
    const { db, staleAfterMs } = this.options;
    return transaction(db, async (tx) => {
      const [lock] = await tx.sql<
        { ok: boolean }[]
      >`select pg_try_advisory_xact_lock(${ORPHAN_SWEEP_LOCK}) as ok`;
      if (!lock?.ok) return [];
      const rows = await tx.sql<{ id: string }[]>`
        select o.id from operations o
        where o.status in ${tx.sql.unsafe(sqlList(RUNNABLE_STATUSES))}
          and o.type not in (select workflow_type from workflow_pauses)
          and o.updated_at < now() - ${staleAfterMs} * interval '1 millisecond'
          and not exists (
            select 1 from steps s where s.operation_id = o.id
              and ((s.lease_owner is not null and s.lease_expires_at > now())
                or (s.status = 'retrying' and s.next_attempt_at > now())
                -- A step waiting for an acknowledgment (server/waits) is not an orphan.
                or s.lease_owner like ${`${WAIT_LEASE_PREFIX}%`}))
          -- Nor is a step scheduled for later (a durable timer, server/waits/timer.ts): its run job
          -- waits in pg-boss for the due time. Its progress is due then, so it counts as stale only
          -- this long after it: a timer job lost by then (dead-lettered, deleted) is recovered, and
          -- one merely picked up late is not raced by a recovery job.
          and not exists (
            select 1 from waits w where w.operation_id = o.id and w.step = o.current_step
              and w.state = 'waiting' and w.kind = 'timer'
              and w.wake_at > now() - ${staleAfterMs} * interval '1 millisecond')
        order by o.updated_at limit 500`;
      if (rows.length === 0) return [];
      const seconds = Math.max(1, Math.ceil(staleAfterMs / 1000));
      await this.options.runs.enqueue(
        tx,
        rows.map((r) => ({
          data: { operationId: r.id, reason: "recover" },
          singletonKey: `recover:${r.id}`,
          singletonSeconds: seconds,
        })),
      );
      this.options.log(`re-enqueued ${rows.length} operation(s) with no progress for ${seconds} s`);
      return rows.map((r) => r.id);
    });
  }
}
