import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import { bulkWork } from "@/server/bulk/work";
import type { Services } from "@/server/services";
import { createCallbackToken, verifyCallbackToken } from "@/server/waits/callback-token";
import { waitsWork } from "@/server/waits/work";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { callbacks, waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { testServices } from "@/test/services";
import { waitsApi } from "./waits-api";

const registry = new WorkflowRegistry([
  waitingWorkflow("test.wait"),
  waitingWorkflow("test.wait_short", { deadlineMs: 300 }),
]);
let t: TestDatabase;
let h: EngineHarness;
let services: Services;
let api: ReturnType<typeof waitsApi>;
let writeKey: string;

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker({ companions: [bulkWork, waitsWork] });
  services = testServices(t, { registry, runs: h.runs });
  api = waitsApi(services);
  writeKey = (await createApiKey({ db: t.db, name: "w", scopes: ["operations:write"] })).secret;
});
afterAll(async () => {
  await services.close();
  await h.close();
  await t.drop();
});

async function waiting(type = "test.wait") {
  const id = await h.start(type, {});
  const callback = await eventually(async () => {
    const [found] = callbacks.get(id) ?? [];
    if (!found) throw new Error("no callback yet");
    const [row] = await t.db.$client`select 1 from waits where id = ${found.waitId}`;
    if (!row) throw new Error("the wait is not open");
    return found;
  });
  return { id, callback };
}

const body = (value: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(value),
});
const post = (url: string, value: unknown) =>
  api.callback(new Request(url, body(value)), url.split("/").at(-1)!);
const read = async (res: Response) => ({
  status: res.status,
  type: res.headers.get("content-type"),
  replayed: res.headers.get("idempotent-replayed"),
  json: (await res.json()) as Record<string, unknown>,
});

describe("POST /api/v1/callbacks/{token}", () => {
  it("acknowledges, replays 200, refuses a different one 409 and a bad payload 400 with nothing changed", async () => {
    const { id, callback } = await waiting();
    expect(callback.url).toMatch(/^http:\/\/localhost:\d+\/api\/v1\/callbacks\/[\w-]+\.[\w-]+$/);
    const bad = await read(await post(callback.url, { status: "succeeded", payload: { pickupRef: "x" } }));
    expect(bad).toMatchObject({ status: 400, type: "application/problem+json" });
    expect(bad.json.errors).toEqual([expect.objectContaining({ pointer: "/payload/pickupRef" })]);
    const notJson = await read(await post(callback.url, { status: "maybe" }));
    expect(notJson.status).toBe(400);
    expect((await h.events(id)).some((e) => e.type === "acknowledged")).toBe(false);

    const first = await read(
      await post(callback.url, { status: "succeeded", payload: { pickupRef: "PU-1" } }),
    );
    expect(first).toMatchObject({
      status: 200,
      replayed: null,
      json: { replayed: false, wait: { state: "completed" } },
    });
    const again = await read(
      await post(callback.url, { status: "succeeded", payload: { pickupRef: "PU-1" } }),
    );
    expect(again).toMatchObject({ status: 200, replayed: "true", json: { replayed: true } });
    // The first result, answered again from the wait's row.
    expect(again.json.wait).toEqual(first.json.wait);
    const other = await read(
      await post(callback.url, { status: "succeeded", payload: { pickupRef: "PU-2" } }),
    );
    expect(other).toMatchObject({ status: 409, type: "application/problem+json" });
    await h.waitFor(id, ["completed"]);
  });

  it("answers 410 after the deadline, recorded on the timeline; 404 for an unknown token without a body read", async () => {
    const { id, callback } = await waiting("test.wait_short");
    await h.waitFor(id, ["blocked"]);
    const late = await read(
      await post(callback.url, { status: "succeeded", payload: { pickupRef: "PU-3" } }),
    );
    expect(late).toMatchObject({ status: 410, type: "application/problem+json" });
    expect((await h.events(id)).filter((e) => e.type === "acknowledgment_refused")).toHaveLength(1);
    const unknown = await api.callback(
      new Request("http://x/api/v1/callbacks/%3Cscript%3E", body({})),
      "<script>",
    );
    expect(unknown.status).toBe(404);
  });

  it("answers a forged, truncated or other operation's token exactly like an unknown one, changing nothing", async () => {
    const a = await waiting();
    const b = await waiting();
    const secret = process.env.THROUGHLINE_SECRET!;
    const binding = verifyCallbackToken(secret, a.callback.token)!;
    const ack = { status: "succeeded", payload: { pickupRef: "PU-5" } };
    const answer = async (token: string) => {
      const res = await api.callback(new Request(`http://x/api/v1/callbacks/${token}`, body(ack)), token);
      return { status: res.status, headers: [...res.headers.entries()], text: await res.text() };
    };
    const unknown = await answer(createCallbackToken(secret, { ...binding, waitId: crypto.randomUUID() }));
    expect(unknown.status).toBe(404);
    const tokens = {
      forged: createCallbackToken("another-secret", binding),
      truncated: a.callback.token.slice(0, -1),
      headless: a.callback.token.slice(1),
      otherOperation: createCallbackToken(secret, { ...binding, operationId: b.id }),
      otherStep: createCallbackToken(secret, { ...binding, step: "finish" }),
      bOwnSignatureOnA: `${a.callback.token.split(".")[0]}.${b.callback.token.split(".")[1]}`,
    };
    for (const [name, token] of Object.entries(tokens)) {
      expect({ name, ...(await answer(token)) }).toEqual({ name, ...unknown });
    }
    const rows = await t.db.$client`
      select state from waits where id in (${a.callback.waitId}, ${b.callback.waitId})`;
    expect(rows.map((r) => r.state)).toEqual(["waiting", "waiting"]);
    expect((await h.events(a.id)).some((e) => e.type === "acknowledgment_refused")).toBe(false);
    // Positive control: the genuine token is answered.
    expect((await answer(a.callback.token)).status).toBe(200);
    await h.waitFor(a.id, ["completed"]);
  });

  it("refuses 410 a heartbeat for a wait that declared none", async () => {
    const { callback } = await waiting();
    // test.wait declares no heartbeat: there is nothing to extend.
    expect((await post(callback.url, { status: "heartbeat" })).status).toBe(410);
  });
});

describe("100 concurrent identical callbacks over HTTP", () => {
  it("complete the step once; every answer is 200, exactly one not a replay", async () => {
    const { id, callback } = await waiting();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        post(callback.url, { status: "succeeded", payload: { pickupRef: "PU-C" } }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(answers.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    await h.waitFor(id, ["completed"]);
    const events = await h.events(id);
    expect(events.filter((e) => e.type === "acknowledged")).toHaveLength(1);
    expect(events.filter((e) => e.type === "step_started" && e.step === "finish")).toHaveLength(1);
  });
});

describe("POST /api/v1/operations/{id}/steps/{step}/acknowledge", () => {
  it("takes an API key's acknowledgment, and refuses no key 401", async () => {
    const { id } = await waiting();
    const url = `http://x/api/v1/operations/${id}/steps/send/acknowledge`;
    const payload = { status: "succeeded", payload: { pickupRef: "PU-4" } };
    expect((await api.acknowledge(new Request(url, body(payload)), id, "send")).status).toBe(401);
    const res = await api.acknowledge(
      new Request(url, body(payload, { authorization: `Bearer ${writeKey}` })),
      id,
      "send",
    );
    expect(res.status).toBe(200);
    await h.waitFor(id, ["completed"]);
    const bad = await api.acknowledge(
      new Request(url, body(payload, { authorization: `Bearer ${writeKey}` })),
      id,
      "nope",
    );
    expect(bad.status).toBe(404);
  });
});
