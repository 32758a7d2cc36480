import { describe, expect, it } from "vitest";
import { WORKFLOWS } from "@/server/workflows";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";
import { scriptedWorkflow } from "@/test/engine/scripted-workflow";
import { checkWorkflow } from "./check";

describe("checkWorkflow", () => {
  it("passes every registered workflow", () => {
    expect(WORKFLOWS.flatMap(checkWorkflow)).toEqual([]);
  });

  it("names each missing part of the execution story", () => {
    const [first, ...rest] = scriptedWorkflow.steps;
    const broken = {
      ...scriptedWorkflow,
      runbook: " ",
      stuckAfterMs: 0,
      objective: undefined,
      text: { ...scriptedWorkflow.text, failed: "" },
      steps: [
        { ...first!, userText: "", compensation: { none: "" }, retry: undefined, timeoutMs: Number.NaN },
        ...rest,
      ],
    } as unknown as WorkflowDefinition;
    expect(checkWorkflow(broken).map((p) => `${p.step ?? "-"}: ${p.problem}`)).toEqual([
      '-: has no product language for "failed" (text.failed)',
      "-: has no completion objective (objective.p95Ms, accepted → completed)",
      "-: has no stuck threshold (stuckAfterMs)",
      "-: has no runbook",
      "a: has no product language (userText)",
      "a: says its compensation is none without saying why",
      "a: has no retry policy",
      "a: has no timeout (timeoutMs)",
    ]);
  });

  it("requires a compensation or an explicit none", () => {
    const [first, ...rest] = scriptedWorkflow.steps;
    const def = { ...scriptedWorkflow, steps: [{ ...first!, compensation: undefined }, ...rest] };
    expect(checkWorkflow(def as unknown as WorkflowDefinition)[0]?.problem).toMatch(/has no compensation/);
  });

  it("refuses end-user and staff words that would not be true", () => {
    const [first, ...rest] = scriptedWorkflow.steps;
    const def = {
      ...scriptedWorkflow,
      steps: [
        {
          ...first!,
          userActionText: "Our team is reviewing it; you don't need to do anything.",
          errors: { transient: "The service is down or its answer was lost.", needs_person: "A review." },
          unknownOutcomeText: undefined,
        },
        {
          ...rest[0]!,
          errors: { needs_person: "A review." },
          userActionText: undefined,
          userWaitText: undefined,
        },
        ...rest.slice(1),
      ],
    } as unknown as WorkflowDefinition;
    expect(checkWorkflow(def).map((p) => `${p.step}: ${p.problem}`)).toEqual([
      "a: has a userActionText saying the end user need do nothing: that is a wait on us (userWaitText)",
      "a: calls an outside system (errors.transient) but does not say what may have happened when its answer is lost (unknownOutcomeText)",
      "b: can wait for a person (errors.needs_person) but gives the end user no words for it (userWaitText, or userActionText when the end user must act)",
    ]);
  });

  it("refuses a runbook or a person's words naming a control no part of the product offers", () => {
    const [first, ...rest] = scriptedWorkflow.steps;
    const def = {
      ...scriptedWorkflow,
      runbook: "Blocked: recharge the card in the sandbox, then resume.\nOr press the Reset all button.",
      steps: [
        {
          ...first!,
          userWaitText: "We're on it.",
          precondition: {
            description: "Open.",
            check: async () => ({ ok: true }) as const,
            recheck: {
              everyMs: [1_000],
              handOverAfterMs: 60_000,
              handOverAction: "Use the Refill control on the sandbox page.",
            },
          },
        },
        ...rest,
      ],
    } as unknown as WorkflowDefinition;
    expect(checkWorkflow(def).map((p) => `${p.step ?? "-"}: ${p.problem}`)).toEqual([
      '-: sends a person to the sandbox for a control it does not have ("Blocked: recharge the card in the sandbox, then resume."); its controls are: Restock, Cancel order in the shop, Faults, Carrier callback, Waiting for an acknowledgment, Scheduled steps',
      '-: names a button no part of the product offers ("Reset all")',
      'a: sends a person to the sandbox for a control it does not have ("Use the Refill control on the sandbox page."); its controls are: Restock, Cancel order in the shop, Faults, Carrier callback, Waiting for an acknowledgment, Scheduled steps',
      'a: names a button no part of the product offers ("Refill")',
    ]);
    // The real controls pass: restocking, cancelling an order in the shop, a provider's faults.
    const real = {
      ...scriptedWorkflow,
      runbook:
        "Restock the item in the sandbox. Cancel the order in the shop on the sandbox page. Check its faults on the sandbox page. Press the Resume button.",
    } as unknown as WorkflowDefinition;
    expect(checkWorkflow(real)).toEqual([]);
  });

  it("refuses a step that checks before later steps without saying what skipping it lets through", () => {
    const [first, ...rest] = scriptedWorkflow.steps;
    const def = { ...scriptedWorkflow, steps: [{ ...first!, guards: undefined }, ...rest] };
    expect(checkWorkflow(def as unknown as WorkflowDefinition).map((p) => p.problem)).toEqual([
      "checks or waits before later steps but does not say what skipping it lets through (guards)",
    ]);
  });

  it("refuses a synthetic check that is too frequent, outlives its interval or sends an input its schema rejects", () => {
    const problems = (synthetic: unknown) =>
      checkWorkflow({ ...scriptedWorkflow, synthetic } as unknown as WorkflowDefinition).map(
        (p) => p.problem,
      );
    const ok = scriptedWorkflow.exampleInput;
    expect(problems({ everyMs: 60_000, input: ok })).toEqual([]);
    expect(problems({ everyMs: 1_000, input: ok, deadlineMs: 500 })).toEqual([
      "has a synthetic check more often than every 10000 ms (synthetic.everyMs)",
    ]);
    expect(problems({ everyMs: 20_000, input: ok })).toEqual([
      "has a synthetic deadline that is not positive or longer than its interval (synthetic.deadlineMs)",
    ]);
    expect(problems({ everyMs: 60_000, input: 42 })).toEqual([
      "has a synthetic input its own input schema rejects (synthetic.input)",
    ]);
  });
});
