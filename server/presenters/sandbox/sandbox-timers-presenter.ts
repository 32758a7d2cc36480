import type { Db } from "@/db/client";
import { asDate } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { waitingStage } from "@/server/workflows/kit/wait";
import { OPEN_WAIT_COLUMNS, OPEN_WAITS_LIMIT, type OpenWait, type OpenWaitRow, openWait } from "./open-wait";

/** One open durable timer (a scheduled step), as the sandbox page lists it to run now. `stage`:
 * "Waiting for the customer's two-minute cooling-off window to end" (the step's `timer.waitingFor`). */
export interface SandboxTimer extends OpenWait {
  /** When the clock fires it, unless an operator runs it now. */
  dueAt: Date;
}

/**
 * The sandbox page's open timers (server/waits/timer.ts): what each scheduled step waits for and
 * when it is due, so a drill need not sit out a cooling-off window (run now is the operator
 * action, audited). Only timers of operations still processing; soonest first, on the open-wake index.
 */
export class SandboxTimersPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
  ) {}

  async call(): Promise<SandboxTimer[]> {
    const rows = await this.db.$client<(OpenWaitRow & { dueAt: string })[]>`
      select ${this.db.$client.unsafe(OPEN_WAIT_COLUMNS)}, w.wake_at::text as "dueAt"
      from waits w join operations o on o.id = w.operation_id
      where w.state = 'waiting' and w.kind = 'timer' and w.wake_at is not null and o.status = 'processing'
      order by w.wake_at limit ${OPEN_WAITS_LIMIT}`;
    return rows.map((r) => ({
      ...openWait(this.registry, r, (def) =>
        waitingStage({ waitingFor: def?.timer?.waitingFor ?? "its scheduled time" }),
      ),
      dueAt: asDate(r.dueAt),
    }));
  }
}
