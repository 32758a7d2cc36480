import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/db/client";
import { transaction } from "@/db/transaction";
import { waitsApi } from "@/server/http/waits-api";
import { createServices, type Services } from "@/server/services";
import { WORKFLOWS } from "@/server/workflows";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness, spawnWorkerChild, type WorkerChild } from "@/test/engine/harness";
import { waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { createCallbackToken } from "./callback-token";
import { callbackSecret } from "./settings";

/**
 * Issue 12's crash test at a small fleet's scale: 20 operations of the waits test workflow
 * (`prepare` → `send`, which waits → `finish`) run by real worker processes
 * (test/engine/worker-child.fixture.ts) that are SIGKILLed while the operations wait, while a
 * callback's transaction is open, and while the step after the callback runs. The callbacks go
 * through the public route's handler (`waitsApi(services).callback`), as the other system's
 * POST /api/v1/callbacks/{token} does. Whatever is killed, each operation completes exactly
 * once, with one success per step and one accepted acknowledgment.
 */
const TYPE = "test.wait";
const COUNT = 20;
const STEPS = ["prepare", "send", "finish"];
const registry = new WorkflowRegistry([...WORKFLOWS, waitingWorkflow(TYPE)]);
let t: TestDatabase;
let h: EngineHarness;
let services: Services;
let api: ReturnType<typeof waitsApi>;
/** Room for the callback transactions held open across a kill, beside the harness's queries. */
let pool: Db;
const children: WorkerChild[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  pool = createDb(t.url, { max: 12, applicationName: "vitest-callbacks-crash" });
  services = createServices({ db: pool, url: t.url, registry });
  api = waitsApi(services);
  // Their job producers start now: started lazily inside the first transactions, 20 of those at
  // once would hold every pooled connection while each waits for the producer to get one.
  await Promise.all([h.runs.start(), services.runs.start()]);
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await services.close();
  await pool.$client.end();
  await h.close();
  await t.drop();
});

async function child(env: Record<string, string> = {}) {
  const started = await spawnWorkerChild(t.url, { EXTRA_WORKFLOWS: "waiting", ...env });
  children.push(started);
  return started;
}

async function stopChildren() {
  await Promise.all(children.splice(0).map((c) => c.stop()));
}

async function startMany(): Promise<string[]> {
  return Promise.all(Array.from({ length: COUNT }, () => h.start(TYPE, {})));
}

/** Once every operation waits: its open wait's token, as the effect handed it out (same binding). */
async function tokensOnceWaiting(ids: string[]): Promise<Map<string, string>> {
  return eventually(
    async () => {
      const rows = await t.db.$client<{ id: string; operationId: string }[]>`
        select id, operation_id as "operationId" from waits
        where operation_id = any(${ids}::uuid[]) and state = 'waiting'`;
      if (rows.length !== ids.length) throw new Error(`${rows.length} of ${ids.length} waiting`);
      return new Map(
        rows.map((r) => [
          r.operationId,
          createCallbackToken(callbackSecret(), { waitId: r.id, operationId: r.operationId, step: "send" }),
        ]),
      );
    },
    { timeoutMs: 40_000, message: "every operation waiting" },
  );
}

const ack = (id: string) => ({
  status: "succeeded" as const,
  payload: { pickupRef: `PU-${id.slice(0, 8)}` },
});

/** POST /api/v1/callbacks/{token} through the route's handler; the status it answered. */
async function callback(token: string, id: string): Promise<number> {
  const request = new Request(`http://localhost/api/v1/callbacks/${token}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ack(id)),
  });
  return (await api.callback(request, token)).status;
}

async function kill(worker: WorkerChild) {
  worker.child.kill("SIGKILL");
  expect(await worker.exited).toBe("SIGKILL");
}

/** Each operation completed once: one `completed`, one accepted acknowledgment, one success per step. */
async function expectEachCompletedOnce(ids: string[]) {
  await eventually(
    async () => {
      const [row] = await t.db.$client<{ n: number }[]>`
        select count(*)::int as n from operations where id = any(${ids}::uuid[]) and status = 'completed'`;
      expect(row!.n).toBe(ids.length);
    },
    { timeoutMs: 45_000, message: "every operation completed" },
  );
  const rows = await t.db.$client<{ operationId: string; type: string; step: string | null; n: number }[]>`
    select operation_id as "operationId", type, step, count(*)::int as n from events
    where operation_id = any(${ids}::uuid[]) and type in ('completed', 'acknowledged', 'step_succeeded')
    group by operation_id, type, step`;
  const counts = new Map(rows.map((r) => [`${r.operationId} ${r.type} ${r.step ?? ""}`, r.n]));
  const expected = new Map<string, number>();
  const found = new Map<string, number>();
  for (const id of ids) {
    const keys = [
      `${id} completed `,
      `${id} acknowledged send`,
      ...STEPS.map((step) => `${id} step_succeeded ${step}`),
    ];
    for (const key of keys) {
      expected.set(key, 1);
      found.set(key, counts.get(key) ?? 0);
    }
  }
  expect(found).toEqual(expected);
  // Nothing beyond those either (a second success of a step under another name, say).
  expect(rows.reduce((n, r) => n + r.n, 0)).toBe(ids.length * (2 + STEPS.length));
  const [open] = await t.db.$client<{ n: number }[]>`
    select count(*)::int as n from waits where operation_id = any(${ids}::uuid[]) and state = 'waiting'`;
  expect(open!.n).toBe(0);
}

describe("callbacks and SIGKILLed workers, 20 operations", () => {
  it("operations waiting when the worker is killed stay waiting, and complete after their callbacks on a new worker", async () => {
    const first = await child();
    const ids = await startMany();
    const tokens = await tokensOnceWaiting(ids);
    await kill(first);

    // With no worker at all they still wait, each on its one row, the operation processing.
    const [still] = await t.db.$client<{ waiting: number; processing: number }[]>`
      select (select count(*)::int from waits where operation_id = any(${ids}::uuid[]) and state = 'waiting') as waiting,
        (select count(*)::int from operations where id = any(${ids}::uuid[]) and status = 'processing') as processing`;
    expect(still).toEqual({ waiting: COUNT, processing: COUNT });

    // The other system answers while no worker runs: each is accepted and its wait completed.
    expect(await Promise.all(ids.map((id) => callback(tokens.get(id)!, id)))).toEqual(ids.map(() => 200));
    const [answered] = await t.db.$client<{ n: number }[]>`
      select count(*)::int as n from waits where operation_id = any(${ids}::uuid[]) and state = 'completed'`;
    expect(answered!.n).toBe(COUNT);

    await child();
    await expectEachCompletedOnce(ids);
  }, 60_000);

  it("killed while callbacks are being committed and while the step after them runs: none lost, none twice", async () => {
    await stopChildren();
    const first = await child();
    const ids = await startMany();
    const tokens = await tokensOnceWaiting(ids);

    // A few callbacks' transactions are open (wait row, step result, next job written, not
    // committed) when the worker is killed; they commit after it is gone.
    const held = ids.slice(0, 4);
    let release!: () => void;
    const killed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready: Promise<void>[] = [];
    const committing = held.map((id) => {
      let written!: () => void;
      ready.push(
        new Promise<void>((resolve) => {
          written = resolve;
        }),
      );
      return transaction(pool, async (tx) => {
        const result = await services.waits.acknowledgeIn(tx, { token: tokens.get(id)! }, ack(id), {
          by: "callback",
          actor: "system",
        });
        written();
        await killed;
        return result.type;
      });
    });
    await Promise.all(ready);
    await kill(first);
    // The next worker dies after the first `finish` effect it runs (before its result commits),
    // while the rest of the callbacks — each sent twice at once — are still arriving. It is
    // ready before the held callbacks commit, so it cannot die before it says so.
    const crashing = await child({ CRASH_AT: "afterEffect", CRASH_STEP: "finish" });
    release();
    expect(await Promise.all(committing)).toEqual(held.map(() => "accepted"));

    const rest = ids.slice(held.length);
    const answers = Promise.all(
      [...rest, ...ids].flatMap((id) => [callback(tokens.get(id)!, id), callback(tokens.get(id)!, id)]),
    );
    expect(await crashing.exited).toBe("SIGKILL");
    // Every repeat is answered 200 with the first result, as the contract says.
    expect(new Set(await answers)).toEqual(new Set([200]));

    await child();
    await expectEachCompletedOnce(ids);
    // The kill did land inside a `finish` attempt: that step started twice and still succeeded once.
    const [rerun] = await t.db.$client<{ n: number }[]>`
      select count(*)::int as n from (select 1 from events
        where operation_id = any(${ids}::uuid[]) and type = 'step_started' and step = 'finish'
        group by operation_id having count(*) > 1) r`;
    expect(rerun!.n).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
