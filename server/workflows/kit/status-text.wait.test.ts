import { describe, expect, it } from "vitest";
import { waitingWorkflow } from "@/test/engine/waiting-workflow";
import { statusText } from "./status-text";

const workflow = waitingWorkflow("test.wait");

describe("statusText while a step waits for another system", () => {
  it("says the wait's end-user words once the wait is open, the step's own before", () => {
    const op = { status: "processing" as const, currentStep: "send" };
    expect(statusText(workflow, { ...op, waiting: true })).toBe("The partner is confirming pickup.");
    expect(statusText(workflow, { ...op, waiting: false })).toBe("Doing send…");
    expect(statusText(workflow, { ...op, currentStep: "prepare", waiting: true })).toBe("Doing prepare…");
  });
});
