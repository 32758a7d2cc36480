import { describe, expect, it } from "vitest";
import { orderFulfillV2 } from "./chaos-next";
import { defaultRegistry, registryFromEnv } from "./index";
import { checkWorkflow } from "./kit/check";
import { orderFulfill } from "./order-fulfill";

describe("registryFromEnv", () => {
  it("is the default registry when THROUGHLINE_WORKFLOW_SET is unset or empty", () => {
    expect(registryFromEnv({})).toBe(defaultRegistry);
    expect(registryFromEnv({ THROUGHLINE_WORKFLOW_SET: "" })).toBe(defaultRegistry);
  });

  it("adds the second versions for chaos-next and keeps every first version", () => {
    const registry = registryFromEnv({ THROUGHLINE_WORKFLOW_SET: "chaos-next" });
    expect(registry.latest("order.fulfill")?.version).toBe(2);
    expect(registry.get("order.fulfill", 1)).toBe(orderFulfill);
    expect(registry.all()).toHaveLength(defaultRegistry.all().length + 1);
  });

  it("refuses any other value", () => {
    expect(() => registryFromEnv({ THROUGHLINE_WORKFLOW_SET: "chaos-nxt" })).toThrow(/chaos-next/);
  });
});

describe("order.fulfill v2", () => {
  it("tells its whole execution story and extends v1 by one step", () => {
    expect(checkWorkflow(orderFulfillV2)).toEqual([]);
    expect(orderFulfillV2.steps.map((s) => s.name)).toEqual([
      ...orderFulfill.steps.map((s) => s.name),
      "record_promise",
    ]);
  });
});
