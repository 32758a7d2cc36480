import type { Sql } from "postgres";
import { LeaseLostError } from "./execute";

interface Held {
  operationId: string;
  position: number;
  renewedAt: number;
  controller: AbortController;
}

export interface HeldLease {
  /** Aborts when a renewal finds the lease gone (a sweeper or another worker took it). */
  signal: AbortSignal;
  release(): void;
}

/**
 * The step leases this worker holds. A lease is taken with the claim and given back with
 * the result (both in the run's own statements); in between, this keeper extends the ones
 * held for more than a third of the lease, in one statement for all of them. A lease that
 * cannot be extended is lost: its run is told through the signal and its result discarded.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      sql: Sql;
      owner: string;
      leaseMs: number;
      log: (line: string) => void;
    },
  ) {}

  hold(operationId: string, position: number): HeldLease {
    const key = `${operationId}:${position}`;
    const entry: Held = { operationId, position, renewedAt: Date.now(), controller: new AbortController() };
    this.held.set(key, entry);
    return {
      signal: entry.controller.signal,
      release: () => {
        if (this.held.get(key) === entry) this.held.delete(key);
      },
    };
  }

  get size(): number {
    return this.held.size;
  }

  start(): void {
    const every = Math.max(50, Math.floor(this.options.leaseMs / 3));
    this.timer = setInterval(() => {
      this.renewing = this.renew().catch((error: Error) =>
        this.options.log(`lease renewal failed: ${error.message}`),
      );
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
      } else {
        this.options.log(`lost the lease on ${h.operationId} step ${h.position}`);
        h.controller.abort(new LeaseLostError());
        this.held.delete(`${h.operationId}:${h.position}`);
      }
    }
  }
}
