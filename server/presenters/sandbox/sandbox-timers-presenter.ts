import type { Db } from "@/db/client";
import { asDate } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { waitingStage } from "@/server/workflows/kit/wait";

/** One open durable timer (a scheduled step), as the sandbox page lists it to run now. */
export interface SandboxTimer {
  waitId: string;
  operationId: string;
  reference: string | null;
  type: string;
  step: string;
  stepTitle: string;
  /** "Waiting for the customer's two-minute cooling-off window to end" (the step's `timer.waitingFor`). */
  stage: string;
  since: Date;
  /** When the clock fires it, unless an operator runs it now. */
  dueAt: Date;
}

/** At most this many, soonest due first: a drill tool, not a queue view. */
const LIMIT = 50;

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
    const rows = await this.db.$client<
      {
        waitId: string;
        operationId: string;
        reference: string | null;
        type: string;
        version: number;
        step: string;
        since: string;
        dueAt: string;
      }[]
    >`
      select w.id as "waitId", w.operation_id as "operationId", o.reference, o.type, o.version, w.step,
        w.created_at::text as since, w.wake_at::text as "dueAt"
      from waits w join operations o on o.id = w.operation_id
      where w.state = 'waiting' and w.kind = 'timer' and w.wake_at is not null and o.status = 'processing'
      order by w.wake_at limit ${LIMIT}`;
    return rows.map((r) => {
      const def = this.registry.get(r.type, r.version)?.steps.find((s) => s.name === r.step);
      return {
        waitId: r.waitId,
        operationId: r.operationId,
        reference: r.reference,
        type: r.type,
        step: r.step,
        stepTitle: def?.title ?? r.step,
        stage: waitingStage({ waitingFor: def?.timer?.waitingFor ?? "its scheduled time" }),
        since: asDate(r.since),
        dueAt: asDate(r.dueAt),
      };
    });
  }
}
