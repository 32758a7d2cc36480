import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATE_TYPE, gateControls, gateRegistry } from "@/server/actions/test-workflow.fixture";
import { defaultRegistry } from "@/server/workflows";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { AvailableActionsPresenter } from "./available-actions-presenter";

/**
 * What the confirmation dialogs say before the click comes from the plan and the workflow:
 * a cancel lists what is undone and what cannot be; a skip lists the steps that then run and
 * warns when the skipped step guards them. Compensate is offered only where it differs.
 */
let t: TestDatabase;
let h: EngineHarness;
let presenter: AvailableActionsPresenter;

beforeAll(async () => {
  t = await createTestDatabase();
  const gate = gateRegistry(t.db, gateControls());
  const registry = new WorkflowRegistry([...defaultRegistry.all(), ...gate.all()]);
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker();
  presenter = new AvailableActionsPresenter(t.db, registry);
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

describe("AvailableActionsPresenter: consequences before the click", () => {
  it("cancel says what is undone, what cannot be, what will not run; compensate is not offered", async () => {
    const id = await h.start(GATE_TYPE, {});
    await h.waitFor(id, ["blocked"]);
    const actions = (await presenter.call(id))!;
    expect(actions.map((a) => a.action)).not.toContain("compensate");
    const cancel = actions.find((a) => a.action === "cancel");
    expect(cancel?.consequences).toEqual({
      kind: "undo",
      undo: [{ step: "prepare", title: "Prepare", description: "Records the undo." }],
      cannotUndo: [],
      notRun: [
        { step: "gate", title: "Gate" },
        { step: "finish", title: "Finish" },
      ],
      running: null,
    });
  });

  it("skipping Reserve stock of an unknown SKU warns that it guards the charge and the shipment", async () => {
    const id = await h.start("order.fulfill", {
      orderId: "ord_unknown_sku",
      customerEmail: "ada@example.com",
      items: [{ sku: "NO-SUCH-SKU", quantity: 1 }],
      amountCents: 100,
    });
    await h.waitFor(id, ["blocked"]);
    const skip = (await presenter.call(id))!.find((a) => a.action === "skip");
    expect(skip).toMatchObject({ step: "reserve_stock" });
    expect(skip?.consequences).toEqual({
      kind: "skip",
      runNext: [
        { step: "charge_payment", title: "Charge payment" },
        { step: "create_shipment", title: "Create shipment" },
        { step: "send_confirmation", title: "Email confirmation" },
      ],
      guards: expect.stringMatching(
        /^that every item exists and is in stock; skipped, the customer is charged/,
      ),
    });
  });
});
