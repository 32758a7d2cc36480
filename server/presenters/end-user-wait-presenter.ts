import type { Db } from "@/db/client";
import { type EndUserFormView, endUserFormView } from "@/server/workflows/kit/end-user-action";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { asDate } from "./rows";

/** What staff see of an operation waiting for its customer (the detail page's panel). */
export interface EndUserWait {
  step: string;
  stepTitle: string;
  /** Staff words: "Waiting for the customer to confirm the delivery address". */
  waitingFor: string;
  /** When this block began (its `blocked` event). */
  since: Date;
  form: EndUserFormView;
}

/**
 * Whether an operation waits for its end user's answer to a step's form, since when, and the
 * form staff fill in when they answer for the customer. Null when it does not wait for them.
 */
export class EndUserWaitPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
  ) {}

  async call(operationId: string): Promise<EndUserWait | null> {
    const [row] = await this.db.$client<
      { type: string; version: number; step: string; since: string | Date | null }[]
    >`
      select o.type, o.version, o.current_step as step,
        (select max(e.at) from events e
          where e.operation_id = o.id and e.type = 'blocked' and e.step = o.current_step) as since
      from operations o
      where o.id = ${operationId}::uuid and o.status = 'blocked' and o.blocked_kind = 'awaiting_end_user'`;
    if (!row?.step) return null;
    const def = this.registry.get(row.type, row.version)?.steps.find((s) => s.name === row.step);
    if (!def?.endUserAction) return null;
    return {
      step: def.name,
      stepTitle: def.title,
      waitingFor: `Waiting for the customer to ${def.endUserAction.waitingFor}`,
      since: asDate(row.since ?? new Date(0)),
      form: endUserFormView(def.endUserAction),
    };
  }
}
