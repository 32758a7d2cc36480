import { describe, expect, it } from "vitest";
import { formatDuration as duration } from "@/server/domain/duration";
import { defaultRegistry } from "@/server/workflows";
import { NO_RETRY, PROVIDER_RETRY } from "@/server/workflows/kit/policies";
import { orderFulfill } from "@/server/workflows/order-fulfill";
import { retrySentence, workflowStory } from "./story";

describe("workflowStory", () => {
  it("tells each step in order from the definition", () => {
    const story = workflowStory(orderFulfill);
    expect(story.steps.map((s) => s.title)).toEqual(orderFulfill.steps.map((s) => s.title));
    expect(story.steps[0]).toMatchObject({
      userText: "Reserving your items",
      compensation: { kind: "undo" },
      onExhausted: "block",
    });
    const last = orderFulfill.steps[3]!.compensation;
    expect(story.steps[3]!.compensation).toEqual({ kind: "none", text: "none" in last ? last.none : "" });
    expect(story.completion).toMatch(/^Staged/);
  });

  it("builds a story for every registered workflow", () => {
    for (const d of defaultRegistry.all()) expect(workflowStory(d).steps).toHaveLength(d.steps.length);
  });

  it("words retry policies and durations", () => {
    expect(retrySentence(PROVIDER_RETRY)).toBe(
      "Up to 5 attempts: first retry after 500 ms, ×2 each time up to 10 s; then waits for a person.",
    );
    expect(retrySentence(NO_RETRY)).toBe("One attempt, no retry; on error it fails the operation.");
    expect([duration(250), duration(1_500), duration(600_000), duration(7_200_000)]).toEqual([
      "250 ms",
      "1.5 s",
      "10 min",
      "2 h",
    ]);
  });
});
