import { describe, expect, it } from "vitest";
import type { WorkflowDefinition } from "@/server/workflows/kit/types";
import { orderFulfill } from "@/server/workflows/order-fulfill";
import type { StepDurations } from "./eta";
import { deriveTrackView, type TrackInput } from "./track-view";

const t0 = new Date("2026-01-01T10:00:00Z");
const timing = (p50Ms: number, p90Ms: number) => ({ p50Ms, p90Ms, samples: 40 });
const stats: StepDurations = {
  steps: {
    reserve_stock: timing(5_000, 9_000),
    charge_payment: timing(30_000, 60_000),
    create_shipment: timing(10_000, 20_000),
    send_confirmation: timing(2_000, 4_000),
  },
};
const names = orderFulfill.steps.map((s) => s.name);
const op = (over: Partial<TrackInput>, statuses: TrackInput["steps"][number]["status"][]): TrackInput => ({
  status: "processing",
  currentStep: null,
  createdAt: t0,
  completedAt: null,
  ...over,
  steps: names.map((name, i) => ({
    name,
    status: statuses[i] ?? "pending",
    finishedAt: null as Date | null,
  })),
});

describe("deriveTrackView", () => {
  it("shows the stages in product language with the active one and a remaining time", () => {
    const finished = op({ currentStep: "charge_payment" }, ["succeeded", "running"]);
    finished.steps[0]!.finishedAt = new Date(t0.getTime() + 5_000);
    const view = deriveTrackView(orderFulfill, finished, stats, new Date(t0.getTime() + 20_000));
    expect(view.state).toBe("in_progress");
    expect(view.headline).toBe("Taking payment…");
    expect(view.stages).toEqual([
      { label: "Reserving your items", state: "done" },
      { label: "Taking payment", state: "active" },
      { label: "Booking your delivery", state: "upcoming" },
      { label: "Sending your confirmation", state: "upcoming" },
    ]);
    // Payment has run 15 s of its usual 30 s (p90 60 s); shipment and confirmation are still to go.
    expect(view.estimate).toEqual({ kind: "remaining", lowMs: 15_000 + 12_000, highMs: 45_000 + 24_000 });
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
      op({ status: "blocked", blockedKind: "awaiting_person", currentStep: "create_shipment" }, [
        "succeeded",
        "succeeded",
        "pending",
      ]),
      stats,
      new Date(t0.getTime() + 20_000),
    );
    expect(view.state).toBe("action_needed");
    expect(view.headline).toBe("Action needed: confirm your delivery address");
    expect(view.actionNeeded).toBe("confirm your delivery address");
    expect(view.stages[2]).toEqual({ label: "Booking your delivery", state: "attention" });
    expect(view.estimate).toEqual({ kind: "update_later", reason: "waiting" });
    const text = JSON.stringify(view);
    for (const internal of names) expect(text).not.toContain(internal);
  });

  it("says who is on it, not 'action needed', when the block is ours to resolve", () => {
    const stock = deriveTrackView(
      orderFulfill,
      op({ status: "blocked", blockedKind: "precondition_failed", currentStep: "reserve_stock" }, [
        "pending",
      ]),
      stats,
      t0,
    );
    expect(stock.state).toBe("on_hold");
    expect(stock.headline).toMatch(
      /^One of your items is out of stock right now\. We'll continue automatically as soon as it's back/,
    );
    expect(stock.headline).not.toMatch(/action needed/i);
    expect(stock.actionNeeded).toBeNull();
    expect(stock.stages[0]).toEqual({ label: "Reserving your items", state: "waiting" });
    // Retries running out is never the step's own story (the stock text would be untrue).
    const down = deriveTrackView(
      orderFulfill,
      op({ status: "blocked", blockedKind: "retries_exhausted", currentStep: "reserve_stock" }, ["pending"]),
      stats,
      t0,
    );
    expect(down.headline).toMatch(/^Something on our side is taking longer than it should/);
    // An outside system's answer, with no words from the step: not "our team".
    const partner = deriveTrackView(
      orderFulfill,
      op({ status: "blocked", blockedKind: "awaiting_external", currentStep: "send_confirmation" }, [
        "succeeded",
        "succeeded",
        "succeeded",
        "pending",
      ]),
      stats,
      t0,
    );
    expect(partner.headline).toMatch(/^We're waiting for one of our partners to confirm/);
  });

  it("says it runs late past the current step's usual p90, and gives no guess without enough history", () => {
    const late = deriveTrackView(
      orderFulfill,
      op({ currentStep: "reserve_stock" }, ["running"]),
      stats,
      new Date(t0.getTime() + 9_001),
    );
    expect(late.estimate).toEqual({ kind: "update_later", reason: "running_late" });
    const fresh = deriveTrackView(
      orderFulfill,
      op({ currentStep: "charge_payment" }, ["succeeded"]),
      { steps: { ...stats.steps, send_confirmation: { p50Ms: 1, p90Ms: 2, samples: 2 } } },
      t0,
    );
    expect(fresh.estimate).toEqual({ kind: "update_later", reason: "little_history" });
    const retrying = deriveTrackView(
      orderFulfill,
      op({ currentStep: "reserve_stock" }, ["retrying"]),
      stats,
      t0,
    );
    expect(retrying.estimate).toEqual({ kind: "update_later", reason: "retrying" });
    const undoing = deriveTrackView(
      orderFulfill,
      op({ currentStep: "reserve_stock" }, ["running", "failed"]),
      stats,
      t0,
    );
    expect(undoing.estimate).toEqual({ kind: "update_later", reason: "little_history" });
  });

  it("never gives a time already gone: the last step near its p50 still has a little left", () => {
    const last = op({ currentStep: "send_confirmation" }, ["succeeded", "succeeded", "succeeded", "running"]);
    last.steps[2]!.finishedAt = t0;
    const view = deriveTrackView(orderFulfill, last, stats, new Date(t0.getTime() + 3_999));
    expect(view.estimate).toEqual({ kind: "remaining", lowMs: 250, highMs: 250 });
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
