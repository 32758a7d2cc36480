import { describe, expect, it } from "vitest";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";
import { orderFulfill } from "@/server/workflows/order-fulfill";
import { deriveTrackView, type TrackInput } from "./track-view";

const t0 = new Date("2026-01-01T10:00:00Z");
const stats = { p50Ms: 60_000, p95Ms: 180_000, count: 40 };
const names = orderFulfill.steps.map((s) => s.name);
const op = (over: Partial<TrackInput>, statuses: TrackInput["steps"][number]["status"][]): TrackInput => ({
  status: "processing",
  currentStep: null,
  createdAt: t0,
  completedAt: null,
  ...over,
  steps: names.map((name, i) => ({ name, status: statuses[i] ?? "pending" })),
});

describe("deriveTrackView", () => {
  it("shows the stages in product language with the active one and a remaining time", () => {
    const view = deriveTrackView(
      orderFulfill,
      op({ currentStep: "charge_payment" }, ["succeeded", "running"]),
      stats,
      new Date(t0.getTime() + 20_000),
    );
    expect(view.state).toBe("in_progress");
    expect(view.headline).toBe("Taking payment…");
    expect(view.stages).toEqual([
      { label: "Reserving your items", state: "done" },
      { label: "Taking payment", state: "active" },
      { label: "Booking your delivery", state: "upcoming" },
      { label: "Sending your confirmation", state: "upcoming" },
    ]);
    expect(view.estimate).toEqual({ kind: "remaining", ms: 40_000 });
  });

  it("asks for the action the workflow words for the end user, without internals", () => {
    const workflow: WorkflowDefinition = {
      ...orderFulfill,
      steps: orderFulfill.steps.map((s) =>
        s.name === "create_shipment" ? { ...s, userActionText: "confirm your delivery address" } : s,
      ),
    };
    const view = deriveTrackView(
      workflow,
      op({ status: "blocked", currentStep: "create_shipment" }, ["succeeded", "succeeded", "pending"]),
      stats,
      new Date(t0.getTime() + 20_000),
    );
    expect(view.headline).toBe("Action needed: confirm your delivery address");
    expect(view.actionNeeded).toBe("confirm your delivery address");
    expect(view.stages[2]).toEqual({ label: "Booking your delivery", state: "attention" });
    expect(view.estimate).toBeNull();
    const text = JSON.stringify(view);
    for (const internal of names) expect(text).not.toContain(internal);
  });

  it("says it runs late past the usual p95, and gives no guess without enough history", () => {
    const late = deriveTrackView(
      orderFulfill,
      op({ currentStep: "charge_payment" }, ["succeeded", "running"]),
      stats,
      new Date(t0.getTime() + 200_000),
    );
    expect(late.estimate).toEqual({ kind: "later_than_usual" });
    const fresh = deriveTrackView(
      orderFulfill,
      op({ currentStep: "charge_payment" }, ["succeeded"]),
      { ...stats, count: 2 },
      t0,
    );
    expect(fresh.estimate).toBeNull();
  });

  it("ends with the outcome", () => {
    const done = deriveTrackView(
      orderFulfill,
      op({ status: "completed", completedAt: new Date(t0.getTime() + 5_000) }, [
        "succeeded",
        "succeeded",
        "succeeded",
        "succeeded",
      ]),
      stats,
      t0,
    );
    expect(done).toMatchObject({ state: "completed", headline: "Your order is on its way.", estimate: null });
    const failed = deriveTrackView(
      orderFulfill,
      op({ status: "failed" }, ["compensated", "failed", "skipped", "skipped"]),
      stats,
      t0,
    );
    expect(failed.headline).toBe(orderFulfill.text.failed);
    expect(failed.stages.map((s) => s.state)).toEqual(["stopped", "stopped", "stopped", "stopped"]);
  });
});
