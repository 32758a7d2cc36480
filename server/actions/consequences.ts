import type { OperationState } from "@/server/domain/operation-state";
import type { StepDefinition, WorkflowDefinition } from "@/server/workflows/kit/types";
import type { AvailableAction } from "./plans";

/**
 * What an action will do, read from the plan and the workflow before the click: for a cancel
 * or compensate, which effects are undone (latest first) and which cannot be, with the
 * workflow's reason; for a skip, which later steps then run on the supplied output, and what
 * the skipped step guards (its `guards` field) when skipping lets later effects through.
 */
export type Consequences =
  | {
      kind: "undo";
      undo: { step: string; title: string; description: string }[];
      cannotUndo: { step: string; title: string; why: string }[];
      notRun: { step: string; title: string }[];
      /** A step running now: its worker settles it first, and a success is then undone too. */
      running: { step: string; title: string } | null;
    }
  | {
      kind: "skip";
      runNext: { step: string; title: string }[];
      guards: string | null;
    };

export type ActionWithConsequences = AvailableAction & { consequences: Consequences | null };

export function withConsequences(
  state: OperationState,
  workflow: WorkflowDefinition | undefined,
  actions: AvailableAction[],
): ActionWithConsequences[] {
  return actions.map((a) => ({ ...a, consequences: workflow ? consequencesOf(state, workflow, a) : null }));
}

function consequencesOf(
  state: OperationState,
  workflow: WorkflowDefinition,
  a: AvailableAction,
): Consequences | null {
  const defs = new Map<string, StepDefinition>(workflow.steps.map((s) => [s.name, s]));
  const title = (step: string) => defs.get(step)?.title ?? step;
  if (a.action === "cancel" || a.action === "compensate") {
    const undo: Extract<Consequences, { kind: "undo" }>["undo"] = [];
    const cannotUndo: Extract<Consequences, { kind: "undo" }>["cannotUndo"] = [];
    for (const s of [...state.steps].reverse()) {
      if (s.status !== "succeeded") continue;
      const compensation = defs.get(s.name)?.compensation;
      if (compensation && "run" in compensation) {
        undo.push({ step: s.name, title: title(s.name), description: compensation.description });
      } else {
        cannotUndo.push({
          step: s.name,
          title: title(s.name),
          why: compensation && "none" in compensation ? compensation.none : "The workflow gives no undo.",
        });
      }
    }
    const notRun = state.steps
      .filter((s) => s.status === "pending" || s.status === "retrying" || s.status === "failed")
      .map((s) => ({ step: s.name, title: title(s.name) }));
    const runningStep = state.steps.find((s) => s.status === "running");
    const running = runningStep ? { step: runningStep.name, title: title(runningStep.name) } : null;
    return { kind: "undo", undo, cannotUndo, notRun, running };
  }
  if (a.action === "skip" && a.step) {
    const at = state.steps.findIndex((s) => s.name === a.step);
    const runNext = state.steps
      .slice(at + 1)
      .filter((s) => s.status !== "succeeded" && s.status !== "skipped")
      .map((s) => ({ step: s.name, title: title(s.name) }));
    return { kind: "skip", runNext, guards: runNext.length > 0 ? (defs.get(a.step)?.guards ?? null) : null };
  }
  return null;
}
