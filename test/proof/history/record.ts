import { writeFileSync } from "node:fs";

/**
 * One line of the history: a request a client sent (or an effect a worker ran) and what came
 * back, with start and end times in ms on the machine's clock (`clock()`, the same in the worker
 * processes). The checker reads
 * nothing else from the run but this and the database.
 */
export interface HistoryEntry {
  i: number;
  /** `c<n>` for a client, `worker:<id>` for an effect a worker ran. */
  client: string;
  op: string;
  args: Record<string, unknown>;
  start: number;
  end: number;
  answer: Record<string, unknown>;
}

/** Ms on the machine's clock, sub-millisecond, comparable across the run's processes. */
export const clock = () => performance.timeOrigin + performance.now();

export class HistoryRecorder {
  readonly entries: HistoryEntry[] = [];

  /** Times one call and records it with what `answer` makes of its result. */
  async record<T>(
    client: string,
    op: string,
    args: Record<string, unknown>,
    call: (i: number) => Promise<T>,
    answer: (result: T) => Record<string, unknown> | Promise<Record<string, unknown>>,
  ): Promise<T> {
    const i = this.entries.length;
    const entry: HistoryEntry = {
      i,
      client,
      op,
      args,
      start: clock(),
      end: Number.NaN,
      answer: {},
    };
    this.entries.push(entry);
    try {
      const result = await call(i);
      entry.answer = await answer(result);
      return result;
    } catch (error) {
      // A typed refusal (a TRPCError) keeps its code; anything else is what was thrown.
      const code = (error as { code?: unknown } | null)?.code;
      entry.answer = {
        ok: false,
        code: typeof code === "string" ? code : null,
        thrown: error instanceof Error ? error.message : String(error),
      };
      throw error;
    } finally {
      entry.end = clock();
    }
  }

  /** An interval observed elsewhere (a worker's effect), recorded as it ends. */
  push(entry: Omit<HistoryEntry, "i">): void {
    this.entries.push({ ...entry, i: this.entries.length });
  }

  /** JSON lines, one entry each. */
  write(path: string): void {
    writeFileSync(path, `${this.entries.map((e) => JSON.stringify(e)).join("\n")}\n`);
  }
}
