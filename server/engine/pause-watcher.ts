import type { Db } from "@/db/client";
import { sqlList } from "@/db/sql-list";
import { transaction } from "@/db/transaction";
import { RUNNABLE_STATUSES } from "@/server/domain/statuses";
import type { RunQueue } from "./run-queue";

/**
 * Which workflow types an operator has paused (`workflow_pauses`): while paused, no new
 * step of that type starts — a step already running finishes, its run ends there. Read
 * every `refreshMs`; when a type is un-paused, its in-flight operations get a run job
 * (throttled per operation, since every worker notices at about the same time).
 */
export class PauseWatcher {
  private paused = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      db: Db;
      refreshMs: number;
      runs: Pick<RunQueue, "enqueue">;
      log(line: string): void;
    },
  ) {}

  isPaused(type: string): boolean {
    return this.paused.size > 0 && this.paused.has(type);
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refreshing = this.refresh().catch((error: Error) =>
        this.options.log(`pause refresh failed: ${error.message}`),
      );
    }, this.options.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }

  async refresh(): Promise<void> {
    const rows = await this.options.db.$client<
      { type: string }[]
    >`select workflow_type as type from workflow_pauses`;
    const now = new Set(rows.map((r) => r.type));
    const resumed = [...this.paused].filter((type) => !now.has(type));
    this.paused = now;
    if (resumed.length > 0) await this.wakeUp(resumed);
  }

  private async wakeUp(types: string[]): Promise<void> {
    await transaction(this.options.db, async (tx) => {
      const ops = await tx.sql<{ id: string }[]>`
        select id from operations where type = any(${types}) and status in ${tx.sql.unsafe(sqlList(RUNNABLE_STATUSES))}`;
      await this.options.runs.enqueue(
        tx,
        ops.map((o) => ({
          data: { operationId: o.id, reason: "resume" as const },
          singletonKey: `unpause:${o.id}`,
          singletonSeconds: 10,
        })),
      );
      this.options.log(`${types.join(", ")} resumed: ${ops.length} operation(s) continue`);
    });
  }
}
