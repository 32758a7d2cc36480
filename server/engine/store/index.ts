import type { Db } from "@/db/client";
import { GroupBatcher } from "@/db/group-batcher";
import { transaction } from "@/db/transaction";
import type { EventsNotifier } from "../events-notifier";
import type { RunJob, RunQueue } from "../run-queue";
import { type Commit, commitStates, type Written } from "./commit";
import { type LoadedOperation, loadOperations } from "./load";

interface CommitRequest {
  commit: Commit;
  /** Run jobs that must commit with this state (a scheduled retry, a hand-off). */
  jobs: RunJob[];
}

/**
 * The engine's reads and writes, grouped: loads and commits of concurrently running
 * operations share statements (see GroupBatcher). A commit that needs a job is written in
 * a transaction with the jobs of every commit in its batch that was not fenced out.
 */
export class EngineStore {
  private readonly loads: GroupBatcher<string, LoadedOperation | null>;
  private readonly commits: GroupBatcher<CommitRequest, Written | null>;

  constructor(options: {
    db: Db;
    runs: Pick<RunQueue, "enqueue">;
    /** Told after every batch that wrote timeline events (see EventsNotifier). */
    notifier?: EventsNotifier;
    maxBatch?: number;
  }) {
    const { db, runs, maxBatch, notifier } = options;
    const sql = db.$client;
    const deferNotify = Boolean(notifier);
    this.loads = new GroupBatcher({
      maxBatch,
      run: async (ids) => {
        const found = await loadOperations(sql, [...new Set(ids)]);
        return ids.map((id) => found.get(id) ?? null);
      },
    });
    this.commits = new GroupBatcher({
      maxBatch,
      key: (r) => r.commit.operationId,
      run: async (requests) => {
        const commits = requests.map((r) => r.commit);
        const written = requests.every((r) => r.jobs.length === 0)
          ? await commitStates(sql, commits, { deferNotify })
          : await transaction(db, async (tx) => {
              const landed = await commitStates(tx.sql, commits, { deferNotify });
              const jobs = requests.flatMap((r, i) => (landed[i] ? r.jobs : []));
              if (jobs.length > 0) await runs.enqueue(tx, jobs);
              return landed;
            });
        if (written.some(Boolean)) notifier?.poke();
        return written;
      },
    });
  }

  load(id: string): Promise<LoadedOperation | null> {
    return this.loads.submit(id);
  }

  /** The new token (and the input, for an operation that was not loaded), or null when fenced out. */
  commit(commit: Commit, jobs: RunJob[] = []): Promise<Written | null> {
    return this.commits.submit({ commit, jobs });
  }
}
