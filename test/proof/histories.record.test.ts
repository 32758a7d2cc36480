/**
 * Records the stored histories (test/fixtures/histories/*.json) from real runs: the sample
 * workflows on real workers with the simulated providers, the scripted engine workflow, and
 * the model workflow driven step by step (crash, takeover, cancel, skip, replay, undo).
 * Re-recording is deliberate — it accepts that the product now reads old operations
 * differently — and runs only with `npm run histories:record` (RECORD_HISTORIES=1); then
 * review the diff of the fixtures like any other change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "@/server/actions/perform";
import type { ActionRequest } from "@/server/actions/plans";
import { NO_REQUEST } from "@/server/audit/write";
import type { OperationStatus } from "@/server/domain/statuses";
import { ensureQueues } from "@/server/engine/queue";
import type { Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { TEST_OPERATOR } from "@/test/principals";
import { RealSystem } from "@/test/proof/model/real";
import { Controller } from "@/test/proof/model/workflow";
import { testServices } from "@/test/services";
import { historyRegistry, recordHistory } from "./histories/record";

const RECORD = process.env.RECORD_HISTORIES === "1";

describe.runIf(RECORD)("record the stored histories", () => {
  describe("the model workflow, step by step", () => {
    let t: TestDatabase;
    let services: Services;
    let real: RealSystem;
    beforeAll(async () => {
      t = await createTestDatabase();
      await ensureQueues(t.url);
      const controller = new Controller();
      services = testServices(t, { registry: historyRegistry(controller) });
      real = new RealSystem(services, controller);
    });
    afterAll(async () => {
      await real.reset();
      await services.close();
      await t.drop();
    });

    type Step =
      | ["run", Parameters<RealSystem["run"]>[1], ("ok" | "broken")?]
      | ["act", ActionRequest]
      | ["kill"]
      | ["restart"]
      | ["finish", "ok"];
    const scenarios: [string, string, OperationStatus, Step[]][] = [
      ["model-accepted", "Accepted, no step started yet.", "accepted", []],
      ["model-running", "Step a running in a live worker.", "processing", [["run", "hang"]]],
      [
        "model-retrying",
        "Step a failed transiently; its retry is scheduled.",
        "processing",
        [["run", "transient"]],
      ],
      ["model-blocked-person", "Step a needs a person.", "blocked", [["run", "person"]]],
      ["model-blocked-precondition", "Step a's precondition blocks.", "blocked", [["run", "pre_block"]]],
      [
        "model-blocked-retries-exhausted",
        "Step a failed transiently three times; retries exhausted block.",
        "blocked",
        [
          ["run", "transient"],
          ["run", "transient"],
          ["run", "transient"],
        ],
      ],
      [
        "model-failing",
        "Step b failed permanently; the undo of a has not run yet.",
        "processing",
        [
          ["run", "ok"],
          ["run", "permanent"],
        ],
      ],
      [
        "model-failed-compensated",
        "Step b failed permanently; a was undone, c skipped.",
        "failed",
        [
          ["run", "ok"],
          ["run", "permanent"],
          ["run", "ok"],
        ],
      ],
      [
        "model-blocked-compensation",
        "The undo of a broke: blocked for a person to undo it by hand.",
        "blocked",
        [
          ["run", "ok"],
          ["run", "permanent"],
          ["run", "ok", "broken"],
        ],
      ],
      [
        "model-failed-after-compensate-action",
        "A broken undo, then the operator's compensate, then the undo ran.",
        "failed",
        [
          ["run", "ok"],
          ["run", "permanent"],
          ["run", "ok", "broken"],
          ["act", { action: "compensate" }],
          ["run", "ok"],
        ],
      ],
      [
        "model-failed-exhausted",
        "Step c ran out of retries, which fails the operation; a undone.",
        "failed",
        [
          ["run", "ok"],
          ["run", "ok"],
          ["run", "transient"],
          ["run", "transient"],
          ["run", "transient"],
          ["run", "ok"],
        ],
      ],
      [
        "model-failed-precondition",
        "Step a's precondition says it can never run.",
        "failed",
        [
          ["run", "pre_fail"],
          ["run", "ok"],
        ],
      ],
      [
        "model-completed",
        "Every step succeeded.",
        "completed",
        [
          ["run", "ok"],
          ["run", "ok"],
          ["run", "ok"],
        ],
      ],
      [
        "model-completed-skip",
        "Step b blocked on a person, skipped with an override; c ran.",
        "completed",
        [
          ["run", "ok"],
          ["run", "person"],
          ["act", { action: "skip", step: "b" }],
          ["run", "ok"],
        ],
      ],
      [
        "model-skipped-in-flight",
        "Step b blocked on a person and skipped with an override; c not run yet.",
        "processing",
        [
          ["run", "ok"],
          ["run", "person"],
          ["act", { action: "skip", step: "b" }],
        ],
      ],
      [
        "model-replayed",
        "Retries of a exhausted, then replayed by an operator: due again.",
        "processing",
        [
          ["run", "transient"],
          ["run", "transient"],
          ["run", "transient"],
          ["act", { action: "replay", step: "a" }],
        ],
      ],
      [
        "model-replayed-completed",
        "Retries of a exhausted, replayed, then every step succeeded.",
        "completed",
        [
          ["run", "transient"],
          ["run", "transient"],
          ["run", "transient"],
          ["act", { action: "replay", step: "a" }],
          ["run", "ok"],
          ["run", "ok"],
          ["run", "ok"],
        ],
      ],
      [
        "model-retry-now",
        "A retry brought forward by an operator.",
        "processing",
        [
          ["run", "transient"],
          ["act", { action: "retry" }],
        ],
      ],
      [
        "model-resumed",
        "A person's block resumed: step a due again.",
        "processing",
        [
          ["run", "person"],
          ["act", { action: "resume" }],
        ],
      ],
      [
        "model-cancelled-accepted",
        "Cancelled before any step ran.",
        "failed",
        [
          ["act", { action: "cancel" }],
          ["run", "ok"],
        ],
      ],
      [
        "model-cancelling",
        "Cancelled after a; the undo has not run yet.",
        "processing",
        [
          ["run", "ok"],
          ["act", { action: "cancel" }],
        ],
      ],
      [
        "model-cancelled",
        "Cancelled after a; a undone.",
        "failed",
        [
          ["run", "ok"],
          ["act", { action: "cancel" }],
          ["run", "ok"],
        ],
      ],
      [
        "model-crashed",
        "The worker running a was killed: its lease ran out.",
        "processing",
        [["run", "hang"], ["kill"]],
      ],
      [
        "model-crashed-cancelled",
        "A worker killed after a's effect landed, then a cancel: blocked for a person to undo a by hand.",
        "blocked",
        [["run", "lost"], ["kill"], ["act", { action: "cancel" }], ["run", "ok"]],
      ],
      [
        "model-swept",
        "A killed worker's step taken by the sweeper, waiting for its recovery job.",
        "processing",
        [["run", "hang"], ["kill"], ["restart"]],
      ],
      [
        "model-taken-over",
        "A killed worker's step taken over and run again; the zombie's late answer discarded.",
        "completed",
        [
          ["run", "hang"],
          ["kill"],
          ["restart"],
          ["run", "ok"],
          ["finish", "ok"],
          ["run", "ok"],
          ["run", "ok"],
        ],
      ],
    ];

    it.each(scenarios)("%s", async (name, description, status, steps) => {
      await real.reset();
      const id = await real.accept();
      for (const s of steps) {
        if (s[0] === "run") await real.run(id, s[1], s[2] ?? "ok");
        else if (s[0] === "act") expect(await real.act(id, s[1])).toBe(true);
        else if (s[0] === "kill") await real.kill(id);
        else if (s[0] === "restart") await real.restart();
        else await real.finish(id, s[1]);
      }
      const f = await recordHistory(services.db.$client, id, name, description);
      expect(f.expected.status).toBe(status);
    });
  });

  describe("the sample and scripted workflows on real workers", () => {
    let t: TestDatabase;
    let h: EngineHarness;
    let services: Services;
    beforeAll(async () => {
      t = await createTestDatabase();
      h = await engineHarness({ db: t.db, url: t.url, registry: historyRegistry(), random: () => 0.5 });
      await h.startWorker();
      services = testServices(t, { registry: historyRegistry() });
    });
    afterAll(async () => {
      await h.close();
      await services.close();
      await t.drop();
    });

    const order = (over: Record<string, unknown> = {}) => ({
      orderId: `ord_${Math.random().toString(36).slice(2, 8)}`,
      customerEmail: "ada@example.com",
      items: [{ sku: "BOOK-42", quantity: 1 }],
      amountCents: 2599,
      currency: "EUR",
      ...over,
    });
    const account = (email: string) => ({
      accountId: `acct_${Math.random().toString(36).slice(2, 8)}`,
      email,
      country: "GB",
      documents: ["passport", "selfie"],
    });
    const act = (id: string, request: ActionRequest) =>
      performAction(services, {
        operationId: id,
        request,
        reason: "Recorded for the stored histories",
        principal: TEST_OPERATOR,
        requestMeta: NO_REQUEST,
      });

    const runs: [string, string, string, unknown, OperationStatus, ActionRequest?, OperationStatus?][] = [
      [
        "order-completed",
        "An order: stock, payment, shipment, email.",
        "order.fulfill",
        order(),
        "completed",
      ],
      [
        "order-declined",
        "The card was declined: stock released, failed.",
        "order.fulfill",
        order({ amountCents: 900_000 }),
        "failed",
      ],
      [
        "order-unknown-sku",
        "An item the warehouse does not stock: blocked.",
        "order.fulfill",
        order({ items: [{ sku: "NOPE-1", quantity: 1 }] }),
        "blocked",
      ],
      [
        "order-out-of-stock",
        "Not enough stock: blocked on the precondition.",
        "order.fulfill",
        order({ items: [{ sku: "RARE-1", quantity: 5 }] }),
        "blocked",
      ],
      [
        "order-cancelled",
        "Blocked on stock, then cancelled: failed.",
        "order.fulfill",
        order({ items: [{ sku: "NOPE-2", quantity: 1 }] }),
        "blocked",
        { action: "cancel" },
        "failed",
      ],
      [
        "account-review-pending",
        "High risk: waiting for a compliance officer.",
        "account.verify",
        account("grace+highrisk@example.com"),
        "blocked",
      ],
      [
        "account-approved",
        "High risk, approved by a reviewer: completed.",
        "account.verify",
        account("ada+highrisk@example.com"),
        "blocked",
        { action: "approve" },
        "completed",
      ],
      [
        "account-rejected",
        "High risk, rejected: documents deleted, failed.",
        "account.verify",
        account("eve+highrisk@example.com"),
        "blocked",
        { action: "reject" },
        "failed",
      ],
      [
        "account-low-risk",
        "Low risk: verified without a review.",
        "account.verify",
        account("bob+lowrisk@example.com"),
        "completed",
      ],
      [
        "report-export-sync",
        "A synchronous export.",
        "report.export",
        { report: "orders", rows: 10, format: "csv" },
        "completed",
      ],
      ["demo-noop", "Three no-op steps.", "demo.noop", { note: "hello" }, "completed"],
      [
        "scripted-timeout-retried",
        "Step c timed out once, then succeeded.",
        "test.scripted",
        { script: { c: ["hang"] } },
        "completed",
      ],
      [
        "scripted-unknown-exhausted",
        "An unexpected error three times: retries exhausted.",
        "test.scripted",
        { script: { a: ["unknown", "unknown", "unknown"] } },
        "blocked",
      ],
    ];

    it.each(runs)("%s", async (name, description, type, input, first, action, then) => {
      const id = await h.start(type, input);
      expect(await h.waitFor(id, [first, first === "completed" ? "failed" : "completed"], 30_000)).toBe(
        first,
      );
      if (action) {
        expect((await act(id, action)).type).toBe("done");
        expect(await h.waitFor(id, [then!], 30_000)).toBe(then);
      }
      const f = await recordHistory(t.db.$client, id, name, description);
      expect(f.expected.status).toBe(then ?? first);
    });
  });
});
