import type { Sql } from "postgres";
import { LeaseLostError } from "./execute";

interface Held {
  operationId: string;
  position: number;
  /** Local time before the statement that last set the lease's expiry (claim or renewal) was sent. */
  renewedAt: number;
  controller: AbortController;
  /** Aborts the run when no renewal confirmed the lease in time (see `DEADLINE_SHARE`). */
  deadline?: NodeJS.Timeout;
}

/**
 * A run gives its lease up by itself this far into the lease unless a renewal confirmed it:
 * the database lets another worker take the step once the lease has expired, and a holder
 * whose renewals cannot get through (a saturated pool, a lock, a database out of reach) must
 * have stopped by then, or two attempts of one step run at once. Found by the full history
 * run: an in-process worker's renewals queued behind the pool while its effect ran on and a
 * worker process took the expired lease over (10 steps of 3,226 operations). The rest of the
 * lease covers a late timer and clock skew with the database; renewals go out from a third of
 * the lease on (checked every sixth), so a renewal has half the lease's length to come back.
 */
const DEADLINE_SHARE = 0.8;

export interface HeldLease {
  /** Aborts when a renewal finds the lease gone (a sweeper or another worker took it) or none came back in time. */
  signal: AbortSignal;
  release(): void;
}

/**
 * The step leases this worker holds. A lease is taken with the claim and given back with
 * the result (both in the run's own statements); in between, this keeper extends the ones
 * held for more than a third of the lease, in one statement for all of them. A lease that
 * cannot be extended, or whose extension has not come back by 80% of the lease, is lost: its
 * run is told through the signal and its result discarded.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> = Promise.resolve();
  private renewalInFlight = false;

  constructor(
    private readonly options: {
      sql: Sql;
      owner: string;
      leaseMs: number;
      log: (line: string) => void;
    },
  ) {}

  /**
   * Keeps a lease this worker acquired; `since` is the local time before the claim that set its
   * expiry was sent (the lease runs from the claim, not from here).
   */
  hold(operationId: string, position: number, since = Date.now()): HeldLease {
    const key = `${operationId}:${position}`;
    const controller = new AbortController();
    const entry: Held = { operationId, position, renewedAt: since, controller };
    this.arm(entry);
    this.held.set(key, entry);
    return {
      signal: controller.signal,
      release: () => {
        clearTimeout(entry.deadline);
        if (this.held.get(key) === entry) this.held.delete(key);
      },
    };
  }

  /** (Re)sets the held lease's deadline from its last confirmed renewal. */
  private arm(h: Held): void {
    clearTimeout(h.deadline);
    const at = h.renewedAt + this.options.leaseMs * DEADLINE_SHARE;
    h.deadline = setTimeout(
      () => this.lose(h, "no renewal confirmed it in time"),
      Math.max(0, at - Date.now()),
    );
    h.deadline.unref();
  }

  private lose(h: Held, why: string): void {
    const key = `${h.operationId}:${h.position}`;
    if (this.held.get(key) !== h) return;
    clearTimeout(h.deadline);
    this.held.delete(key);
    this.options.log(`lost the lease on ${h.operationId} step ${h.position}: ${why}`);
    h.controller.abort(new LeaseLostError());
  }

  get size(): number {
    return this.held.size;
  }

  start(): void {
    const every = Math.max(50, Math.floor(this.options.leaseMs / 6));
    this.timer = setInterval(() => {
      // One renewal at a time: a slow one is not joined by more statements queueing behind it.
      if (this.renewalInFlight) return;
      this.renewalInFlight = true;
      this.renewing = this.renew()
        .catch((error: Error) => this.options.log(`lease renewal failed: ${error.message}`))
        .finally(() => {
          this.renewalInFlight = false;
        });
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }

  /** Extends the leases held longer than a third of their length; aborts the ones lost. */
  async renew(): Promise<void> {
    const threshold = Date.now() - this.options.leaseMs / 3;
    const due = [...this.held.values()].filter((h) => h.renewedAt <= threshold);
    if (due.length === 0) return;
    const { sql, owner, leaseMs } = this.options;
    const renewedAt = Date.now();
    const rows = await sql<{ operationId: string; position: number }[]>`
      update steps s set lease_expires_at = now() + ${leaseMs} * interval '1 millisecond'
      from unnest(${due.map((h) => h.operationId)}::uuid[], ${due.map((h) => h.position)}::int[]) as d(id, pos)
      where s.operation_id = d.id and s.position = d.pos and s.lease_owner = ${owner}
      returning s.operation_id as "operationId", s.position`;
    const kept = new Set(rows.map((r) => `${r.operationId}:${r.position}`));
    for (const h of due) {
      // Released while the renewal ran (the run committed and let go): nothing was lost.
      if (this.held.get(`${h.operationId}:${h.position}`) !== h) continue;
      if (kept.has(`${h.operationId}:${h.position}`)) {
        h.renewedAt = renewedAt;
        this.arm(h);
      } else {
        this.lose(h, "another holder has it");
      }
    }
  }
}
