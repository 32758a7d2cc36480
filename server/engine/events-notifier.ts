import type { Sql } from "postgres";
import { EVENTS_CHANNEL } from "@/server/domain/events";

/**
 * Tells live readers that the engine committed timeline events: one NOTIFY per `delayMs` at
 * most, sent after the commits, in its own tiny transaction. A NOTIFY inside each engine
 * commit would serialise every commit in the cluster (migration 0007 explains); readers
 * re-read from their cursor, so one notification covers any number of commits before it.
 */
export class EventsNotifier {
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: { sql: Sql; delayMs: number; log(line: string): void }) {}

  /** Events were committed: notify within `delayMs`. */
  poke(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sending = this.options.sql`select pg_notify(${EVENTS_CHANNEL}, '')`.catch((error: Error) =>
        this.options.log(`events notify failed: ${error.message}`),
      );
    }, this.options.delayMs);
  }

  /** Sends what is pending now (on shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      await this.options.sql`select pg_notify(${EVENTS_CHANNEL}, '')`.catch(() => {});
    }
    await this.sending;
  }
}
