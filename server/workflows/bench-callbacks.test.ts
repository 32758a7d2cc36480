import { describe, expect, it } from "vitest";
import { benchCallbacks } from "./bench-callbacks";
import { defaultRegistry, registryFromEnv } from "./index";
import { checkWorkflow } from "./kit/check";

describe("the bench-callbacks workflow set", () => {
  it("adds bench.callbacks to every workflow, and the default set never has it", () => {
    const registry = registryFromEnv({ THROUGHLINE_WORKFLOW_SET: "bench-callbacks" });
    expect(registry.latest("bench.callbacks")).toBe(benchCallbacks);
    expect(registry.all()).toHaveLength(defaultRegistry.all().length + 1);
    expect(defaultRegistry.latest("bench.callbacks")).toBeUndefined();
  });

  it("tells its whole execution story: a wait, then the step the bench times", () => {
    expect(checkWorkflow(benchCallbacks)).toEqual([]);
    expect(benchCallbacks.steps.map((s) => [s.name, Boolean(s.wait)])).toEqual([
      ["hand_over", true],
      ["record", false],
    ]);
  });
});
