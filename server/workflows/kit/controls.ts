import type { StepDefinition, WorkflowDefinition } from "./types";

/**
 * Every control a runbook or a block's action may send a person to, as the product labels
 * it (closed set). The sandbox's buttons (app/sandbox/) and the console's operator actions
 * (server/actions/plans.ts) carry exactly these labels; `checkNamedControls` refuses text that
 * sends someone to the sandbox or to a button no part of the product offers.
 */
export const SANDBOX_CONTROLS = {
  restock: "Restock",
  cancelShopOrder: "Cancel order in the shop",
  faults: "Faults",
  carrierCallback: "Carrier callback",
  waitingAcknowledgments: "Waiting for an acknowledgment",
  scheduledSteps: "Scheduled steps",
} as const;

/** The console's operator actions by their button words (the verbs a runbook uses). */
export const CONSOLE_ACTIONS = [
  "Retry",
  "Replay",
  "Resume",
  "Approve",
  "Reject",
  "Skip",
  "Compensate",
  "Cancel",
] as const;

/** How a runbook may refer to a sandbox control besides its label ("restock the item", "its faults"). */
const SANDBOX_WORDS: Record<keyof typeof SANDBOX_CONTROLS, RegExp> = {
  restock: /\brestock/i,
  cancelShopOrder: /\bcancel(s|ling)? (the |an )?order in the shop\b/i,
  faults: /\bfaults?\b/i,
  carrierCallback: /\bcarrier callback\b/i,
  waitingAcknowledgments: /\bwaiting for an acknowledgment\b/i,
  scheduledSteps: /\bscheduled steps\b/i,
};

const sentences = (text: string) =>
  text
    .split(/(?<=[.!?])\s+|\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/** A sentence that sends a person to the sandbox must name one of its controls. */
function sandboxProblem(sentence: string): string | null {
  if (!/\bsandbox\b/i.test(sentence)) return null;
  if (Object.values(SANDBOX_WORDS).some((words) => words.test(sentence))) return null;
  const known = Object.values(SANDBOX_CONTROLS).join(", ");
  return `sends a person to the sandbox for a control it does not have ("${sentence}"); its controls are: ${known}`;
}

/** "Press/click/use the X button" must name a button that exists. */
function buttonProblem(sentence: string): string | null {
  const named =
    /\b(?:[Pp]ress|[Cc]lick|[Uu]se|[Tt]ap)\s+(?:the\s+)?["“]?([A-Z][\w ]*?)["”]?\s+(?:button|control)\b/.exec(
      sentence,
    );
  if (!named) return null;
  const label = named[1]!.trim().toLowerCase();
  const labels = [...Object.values(SANDBOX_CONTROLS), ...CONSOLE_ACTIONS].map((l) => l.toLowerCase());
  if (labels.includes(label)) return null;
  return `names a button no part of the product offers ("${named[1]}")`;
}

/** The person-facing texts of a workflow: its runbook and each step's declared block actions. */
function textsOf(def: WorkflowDefinition): { step: string | null; text: string }[] {
  const out: { step: string | null; text: string }[] = [{ step: null, text: def.runbook }];
  for (const step of def.steps as StepDefinition[]) {
    for (const text of [step.userActionText, step.userWaitText, step.precondition?.recheck?.handOverAction]) {
      if (text) out.push({ step: step.name, text });
    }
  }
  return out;
}

export function checkNamedControls(def: WorkflowDefinition): { step: string | null; problem: string }[] {
  const problems: { step: string | null; problem: string }[] = [];
  for (const { step, text } of textsOf(def)) {
    for (const sentence of sentences(text)) {
      for (const problem of [sandboxProblem(sentence), buttonProblem(sentence)]) {
        if (problem) problems.push({ step, problem });
      }
    }
  }
  return problems;
}
