import type { Tx } from "@/db/transaction";

/** An operation whose execution must start once its intake transaction commits. */
export interface StartRequest {
  id: string;
  type: string;
  version: number;
}

/**
 * Writes, inside the intake transaction, whatever makes execution begin (the engine's
 * queue job). Because it shares the transaction, an operation is never recorded
 * without its start, and never started without being recorded.
 */
export type StartDispatcher = (tx: Tx, starts: StartRequest[]) => Promise<void>;
