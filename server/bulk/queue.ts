import type { Db } from "@/db/client";
import type { Tx } from "@/db/transaction";
import { BULK_QUEUE, JobProducer } from "@/server/engine/queue";

/** A bulk job only says "run this bulk action"; its rows say what is left to do. */
export interface BulkJobData {
  bulkActionId: string;
}

/**
 * Writes bulk jobs in the caller's transaction, so the job commits with the confirm or
 * resume that needs it (and rolls back with it): a worker runs the bulk action whether or
 * not anyone watches it. Works in the web process: its producer only inserts jobs.
 */
export class BulkQueue {
  private readonly producer: JobProducer;

  /**
   * `url` lets the first use install pg-boss's schema and queues when the launcher has not;
   * `producer` shares one pg-boss producer with the process's run queue.
   */
  constructor(options: { db: Db; url?: string; producer?: JobProducer }) {
    this.producer = options.producer ?? new JobProducer(options);
  }

  async enqueue(tx: Tx, bulkActionId: string): Promise<void> {
    const data: BulkJobData = { bulkActionId };
    await this.producer.insert(tx, BULK_QUEUE, [{ data }]);
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

/** What the bulk commands need. */
export interface BulkDeps {
  db: Db;
  queue: Pick<BulkQueue, "enqueue">;
}
