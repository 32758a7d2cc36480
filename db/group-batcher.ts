interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export interface GroupBatcherOptions<I, O> {
  /** Runs many items as one statement; answers one result per item, in order. */
  run(items: I[]): Promise<O[]>;
  /** Most items per batch. */
  maxBatch?: number;
  /** Batches in flight at once. */
  maxInFlight?: number;
  /** Items with the same key never share a batch (one row must not be written twice in one statement). */
  key?(item: I): string;
}

/**
 * Group commit: while a batch is being written, the next requests gather and go together.
 * Alone, a request is written at once; under load, many share one round trip and one commit.
 * A failing batch is retried item by item, so one bad request never fails its neighbours.
 * Used by intake (one batch in flight, up to 200 intakes: server/operations/intake-writer.ts)
 * and the engine's loads and commits (several in flight: server/engine/store), which is what
 * lets one worker process run hundreds of operations a second on two cores.
 */
export class GroupBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(private readonly options: GroupBatcherOptions<I, O>) {
    this.maxBatch = options.maxBatch ?? 100;
    this.maxInFlight = options.maxInFlight ?? 4;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private take(): Pending<I, O>[] {
    const { key } = this.options;
    if (!key) return this.queue.splice(0, this.maxBatch);
    const seen = new Set<string>();
    const batch: Pending<I, O>[] = [];
    const rest: Pending<I, O>[] = [];
    for (const p of this.queue) {
      const k = key(p.item);
      if (batch.length < this.maxBatch && !seen.has(k)) {
        seen.add(k);
        batch.push(p);
      } else {
        rest.push(p);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await this.options.run(batch.map((p) => p.item));
      for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const p of batch) await this.flush([p]);
    }
  }
}
