import type { Sql, TransactionSql } from "postgres";
import { GroupBatcher } from "./batcher";
import type { RunJobRequest } from "./context";
import { type Commit, commitStates, type LoadedOperation, loadOperations } from "./store";

interface CommitRequest {
  commit: Commit;
  /** Run jobs that must commit with this state (a scheduled retry, a hand-off). */
  jobs: RunJobRequest[];
}

/**
 * The engine's reads and writes, grouped: loads and commits of concurrently running
 * operations share statements (see GroupBatcher). A commit that needs a job is written in
 * a transaction with the jobs of every commit in its batch that was not fenced out.
 */
export class EngineStore {
  private readonly loads: GroupBatcher<string, LoadedOperation | null>;
  private readonly commits: GroupBatcher<CommitRequest, string | null>;

  constructor(options: {
    sql: Sql;
    enqueue(tx: TransactionSql, jobs: RunJobRequest[]): Promise<void>;
    maxBatch?: number;
  }) {
    const { sql, enqueue, maxBatch } = options;
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
        if (requests.every((r) => r.jobs.length === 0)) return commitStates(sql, commits);
        return sql.begin(async (tx) => {
          const tokens = await commitStates(tx, commits);
          const jobs = requests.flatMap((r, i) => (tokens[i] ? r.jobs : []));
          if (jobs.length > 0) await enqueue(tx, jobs);
          return tokens;
        });
      },
    });
  }

  load(id: string): Promise<LoadedOperation | null> {
    return this.loads.submit(id);
  }

  /** The new token, or null when the write was fenced out (nothing of it was written). */
  commit(commit: Commit, jobs: RunJobRequest[] = []): Promise<string | null> {
    return this.commits.submit({ commit, jobs });
  }
}
