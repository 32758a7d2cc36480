import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import type { ActionRequest } from "@/server/actions/plans";
import { NO_REQUEST } from "@/server/audit/write";
import { OperationDetailPresenter } from "@/server/presenters/detail/operation-detail-presenter";
import { TransientError } from "@/server/workflows/kit/errors";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import type { StepDefinition } from "@/server/workflows/kit/types";
import { orderFulfill } from "@/server/workflows/order-fulfill";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { TEST_OPERATOR } from "@/test/principals";
import { executeStep } from "./execute";

/**
 * A step whose answer was lost after its request went out may have had its effect: the engine
 * marks the error (outcomeUnknown), and the block reason and the console's step say what may
 * have happened in the workflow's words instead of showing the step as simply pending.
 */
const QUICK = { maxAttempts: 2, initialDelayMs: 20, backoff: 1, maxDelayMs: 20 };
const quickOrder = { ...orderFulfill, steps: orderFulfill.steps.map((s) => ({ ...s, retry: QUICK })) };
const registry = new WorkflowRegistry([quickOrder]);
const CHARGE_TEXT = orderFulfill.steps.find((s) => s.name === "charge_payment")!.unknownOutcomeText!;

let t: TestDatabase;
let h: EngineHarness;
beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker();
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

const order = (orderId: string) => ({
  orderId,
  customerEmail: "ada@example.com",
  items: [{ sku: "BOOK-42", quantity: 1 }],
  amountCents: 2599,
});

async function paymentsFaults(faults: { loseAnswerRate?: number; transientErrorRate?: number }) {
  await t.db.$client`
    insert into sim_faults (provider, lose_answer_rate, transient_error_rate)
    values ('payments', ${faults.loseAnswerRate ?? 0}, ${faults.transientErrorRate ?? 0})
    on conflict (provider) do update set lose_answer_rate = excluded.lose_answer_rate,
      transient_error_rate = excluded.transient_error_rate`;
}
const charges = async (orderId: string) =>
  (
    await t.db.$client<
      { n: number }[]
    >`select count(*)::int as n from sim_charges where order_id = ${orderId}`
  )[0]!.n;
const detail = (id: string) => new OperationDetailPresenter(t.db, registry).call(id);

describe("an effect that may already have happened", () => {
  it("says the card may have been charged, and resuming charges once", async () => {
    await paymentsFaults({ loseAnswerRate: 1 });
    const id = await h.start("order.fulfill", order("ord_lost"));
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    // The provider applied the charge each time and lost the answer: one charge (same key).
    expect(await charges("ord_lost")).toBe(1);
    const d = (await detail(id))!;
    expect(d.operation.blocked?.kind).toBe("retries_exhausted");
    expect(d.operation.blocked?.reason).toContain(CHARGE_TEXT);
    const charge = d.steps.find((s) => s.name === "charge_payment")!;
    expect(charge.status).toBe("pending");
    expect(charge.outcomeUnknown).toBe(CHARGE_TEXT);
    expect(d.steps.find((s) => s.name === "reserve_stock")!.outcomeUnknown).toBeNull();

    await paymentsFaults({});
    const resumed = await performAction(
      { db: t.db, runs: h.runs },
      {
        operationId: id,
        request: { action: "resume" } as ActionRequest,
        reason: "The payment provider is answering again.",
        principal: TEST_OPERATOR,
        requestMeta: NO_REQUEST,
      },
    );
    expect(resumed.type).toBe("done");
    expect(await h.waitFor(id)).toBe("completed");
    expect(await charges("ord_lost")).toBe(1);
    expect((await detail(id))!.steps.find((s) => s.name === "charge_payment")!.outcomeUnknown).toBeNull();
  });

  it("says nothing of the kind when the provider refused before applying anything", async () => {
    await paymentsFaults({ transientErrorRate: 1 });
    const id = await h.start("order.fulfill", order("ord_down"));
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    expect(await charges("ord_down")).toBe(0);
    const d = (await detail(id))!;
    expect(d.operation.blocked?.reason).not.toContain("may have");
    expect(d.steps.find((s) => s.name === "charge_payment")!.outcomeUnknown).toBeNull();
    await paymentsFaults({});
  });

  it("marks a timeout unknown only once the effect had started", async () => {
    const hang = () => new Promise<never>(() => {});
    const step = (over: Partial<StepDefinition>): StepDefinition => ({
      ...orderFulfill.steps[1]!,
      timeoutMs: 30,
      ...over,
    });
    const context = {
      operationId: "op",
      input: {},
      outputs: {},
      idempotencyKey: "k",
      attempt: 1,
      providers: {},
    };
    const run = (s: StepDefinition) =>
      executeStep({ step: s, context: context as never, signal: new AbortController().signal });
    const inEffect = await run(
      step({ precondition: undefined, effect: { description: "hangs", run: hang } }),
    );
    expect(inEffect).toMatchObject({
      type: "error",
      error: { error: { code: "timeout", outcomeUnknown: true } },
    });
    const inCheck = await run(step({ precondition: { description: "hangs", check: hang } }));
    expect(inCheck.type).toBe("error");
    expect(inCheck.type === "error" && inCheck.error.error.outcomeUnknown).toBeFalsy();
    const refused = await run(
      step({
        precondition: undefined,
        effect: {
          description: "refused",
          run: () => Promise.reject(new TransientError("unavailable", { code: "unavailable" })),
        },
      }),
    );
    expect(refused.type === "error" && refused.error.error.outcomeUnknown).toBeFalsy();
  });
});
