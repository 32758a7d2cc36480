import { asDate } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { StepDefinition } from "@/server/workflows/kit/types";

/** The sandbox lists at most this many of each kind of open wait: a drill tool, not a queue view. */
export const OPEN_WAITS_LIMIT = 50;

/** What the sandbox shows of any open wait (an acknowledgment waited for, a timer), whatever its kind. */
export interface OpenWait {
  waitId: string;
  operationId: string;
  reference: string | null;
  type: string;
  step: string;
  stepTitle: string;
  /** What the operation waits for, as the console's stage says it. */
  stage: string;
  since: Date;
}

/** The columns every open-wait read selects (`w` waits joined to `o` operations). */
export interface OpenWaitRow {
  waitId: string;
  operationId: string;
  reference: string | null;
  type: string;
  version: number;
  step: string;
  since: string;
}

/** The select list for OpenWaitRow, shared by the sandbox's two reads. */
export const OPEN_WAIT_COLUMNS = `w.id as "waitId", w.operation_id as "operationId", o.reference, o.type, o.version, w.step,
  w.created_at::text as since`;

/** A row's common part, and the step's definition (in the version that runs it) for the rest. */
export function openWait(
  registry: WorkflowRegistry,
  r: OpenWaitRow,
  stage: (def: StepDefinition | undefined) => string,
): OpenWait {
  const def = registry.get(r.type, r.version)?.steps.find((s) => s.name === r.step);
  return {
    waitId: r.waitId,
    operationId: r.operationId,
    reference: r.reference,
    type: r.type,
    step: r.step,
    stepTitle: def?.title ?? r.step,
    stage: stage(def),
    since: asDate(r.since),
  };
}
