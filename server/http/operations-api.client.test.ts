/**
 * The public API's contract as another service meets it: real HTTP (the web's fast front over
 * real services and a real database, test/api-server.ts), called only through the typed client
 * (client/), whose types are generated from the OpenAPI document. A response the document does
 * not describe fails to type-check here, and what the server answers is checked against it.
 */
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createThroughlineClient,
  OperationWaitError,
  sendCallback,
  ThroughlineApiError,
  type ThroughlineClient,
} from "@/client";
import { CLIENT_SCHEMA_FILE, clientSchemaText } from "@/scripts/lib/client-schema";
import { pauseWorkflow } from "@/server/actions/pause-workflow";
import { createApiKey } from "@/server/auth/api-keys";
import { bulkWork } from "@/server/bulk/work";
import type { Services } from "@/server/services";
import { waitsWork } from "@/server/waits/work";
import { demoNoop } from "@/server/workflows/demo-noop";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { documentConformance } from "@/test/api-conformance";
import { type ApiServer, startApiServer } from "@/test/api-server";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { callbacks, waitingWorkflow } from "@/test/engine/waiting-workflow";
import { eventually } from "@/test/eventually";
import { TEST_OPERATOR } from "@/test/principals";
import { testServices } from "@/test/services";

// No workflow of the sample registry waits for an acknowledgment yet: the waits tests' own one does.
const registry = new WorkflowRegistry([
  demoNoop,
  { ...demoNoop, type: "test.paused" },
  waitingWorkflow("test.wait"),
]);
let t: TestDatabase;
let h: EngineHarness;
let services: Services;
let server: ApiServer;
let client: ThroughlineClient;
/** Every answer the client gets is checked against the document (status, content type, headers, body). */
const conformance = documentConformance();

beforeAll(async () => {
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker({ companions: [bulkWork, waitsWork] });
  services = testServices(t, { registry, runs: h.runs });
  server = await startApiServer(services);
  const { secret } = await createApiKey({
    db: t.db,
    name: "client",
    scopes: ["operations:write", "operations:read"],
  });
  client = createThroughlineClient({ baseUrl: server.baseUrl, apiKey: secret });
  client.api.use(conformance.middleware);
});
afterEach(() => {
  expect(conformance.take(), "answers the OpenAPI document does not describe").toEqual([]);
});
afterAll(async () => {
  await server?.close();
  await services?.close();
  await h?.close();
  await t?.drop();
});

const noop = (reference: string) => ({
  type: "demo.noop",
  input: { note: reference },
  subject: "client@example.com",
  reference,
});

/** The partner's side: the step's effect handed over its callback and the wait row is open. */
function openWait(operationId: string) {
  return eventually(async () => {
    const [callback] = callbacks.get(operationId) ?? [];
    if (!callback) throw new Error("no callback yet");
    const [row] = await t.db.$client`select 1 from waits where id = ${callback.waitId}`;
    if (!row) throw new Error("the wait is not open");
    return callback;
  });
}

/** Rejects with what the promise threw, to look at a typed error. */
async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("the public API through the typed client", () => {
  it("serves the document the committed client was generated from", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(await clientSchemaText(await res.json())).toBe(readFileSync(CLIENT_SCHEMA_FILE, "utf8"));
  });

  it("starts (202 + Location), replays the same idempotency key, reads, and waits until completed", async () => {
    const started = await client.startOperation(noop("c-1"), { idempotencyKey: "client-c-1" });
    expect(started).toMatchObject({
      status: 202,
      replayed: false,
      location: `/api/v1/operations/${started.operation.id}`,
      retryAfterS: 1,
      operation: { type: "demo.noop", status: "accepted", done: false, reference: "c-1" },
    });

    const again = await client.startOperation(noop("c-1"), { idempotencyKey: "client-c-1" });
    expect(again.replayed).toBe(true);
    expect(again.operation.id).toBe(started.operation.id);

    const read = await client.getOperation(started.operation.id);
    expect(read).toMatchObject({ id: started.operation.id, links: { self: started.location } });
    expect(read.steps.map((s) => s.name)).toEqual(["first", "second", "third"]);

    const done = await client.waitForOperation(started.operation.id, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ status: "completed", done: true });
    expect(done.completedAt).not.toBeNull();
  });

  it("joins the caller's trace: the traceparent the document names becomes the operation's traceId", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const started = await client.startOperation(noop("c-trace"), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(started.operation.traceId).toBe(traceId);
    expect((await client.getOperation(started.operation.id)).traceId).toBe(traceId);
    // Malformed: a trace of its own, the request still accepted.
    const own = await client.startOperation(noop("c-trace-bad"), { traceparent: `00-${traceId}-zz-01` });
    expect(own.status).toBe(202);
    expect(own.operation.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(own.operation.traceId).not.toBe(traceId);
  });

  it("lists newest first and pages with the cursor", async () => {
    for (const ref of ["p-0", "p-1", "p-2"])
      await client.startOperation({ ...noop(ref), subject: "pager@x.test" });
    const first = await client.listOperations({ subject: "pager@x.test", limit: 2 });
    expect(first.items.map((o) => o.reference)).toEqual(["p-2", "p-1"]);
    expect(first.next).not.toBeNull();
    const second = await client.listOperations({ subject: "pager@x.test", limit: 2, cursor: first.next! });
    expect(second.items.map((o) => o.reference)).toEqual(["p-0"]);
    expect(second.next).toBeNull();
  });

  it("throws ThroughlineApiError with the problem details on a 4xx", async () => {
    const unknown = await thrown(client.startOperation({ type: "no.such", input: {} }));
    expect(unknown).toBeInstanceOf(ThroughlineApiError);
    const error = unknown as ThroughlineApiError;
    expect(error).toMatchObject({ status: 422, problemType: "unknown-workflow" });
    expect(error.is("unknown-workflow")).toBe(true);
    expect(error.problem).toMatchObject({
      type: "/problems/unknown-workflow",
      status: 422,
      errors: [{ pointer: "/type", detail: "unknown workflow type" }],
    });

    const missing = await thrown(client.getOperation("01900000-0000-7000-8000-000000000000"));
    expect(missing).toMatchObject({ status: 404, problemType: "not-found" });

    const conflict = await thrown(client.startOperation(noop("other"), { idempotencyKey: "client-c-1" }));
    expect(conflict).toMatchObject({ status: 422, problemType: "idempotency-conflict" });

    const anonymous = createThroughlineClient({ baseUrl: server.baseUrl, apiKey: "tl_not_a_key" });
    anonymous.api.use(conformance.middleware);
    expect(await thrown(anonymous.listWorkflows())).toMatchObject({
      status: 401,
      problemType: "unauthorized",
    });
  });

  it("a paused type's refusal is a 503 problem with Retry-After, as the document says", async () => {
    const paused = await pauseWorkflow(services, {
      workflowType: "test.paused",
      intake: "reject",
      reason: "Contract test",
      principal: TEST_OPERATOR,
      request: { requestId: null, clientAddress: null },
    });
    expect(paused).toMatchObject({ type: "paused" });
    // Intake reads the pauses at most once a second: refused once the gate has seen this one.
    const refused = await eventually(async () => {
      const error = await thrown(client.startOperation({ type: "test.paused", input: {} }));
      expect(error).toBeInstanceOf(ThroughlineApiError);
      return error as ThroughlineApiError;
    });
    expect(refused).toMatchObject({ status: 503, problemType: "unavailable" });
    expect(refused.retryAfterS).toBeGreaterThan(0);
  });

  it("acknowledges a waiting step: the first wins, the same again is a replay, and the operation completes", async () => {
    const { operation } = await client.startOperation({ type: "test.wait", input: {} });
    await openWait(operation.id);
    const waiting = await client.getOperation(operation.id);
    expect(waiting).toMatchObject({ status: "processing", done: false });

    const bad = await thrown(client.acknowledge(operation.id, "send", { pickupRef: "x" }));
    expect(bad).toMatchObject({ status: 400, problemType: "invalid-input" });
    expect((bad as ThroughlineApiError).problem.errors).toEqual([
      expect.objectContaining({ pointer: "/payload/pickupRef" }),
    ]);

    const first = await client.acknowledge(operation.id, "send", { pickupRef: "PU-1" });
    expect(first).toMatchObject({
      replayed: false,
      wait: { operationId: operation.id, step: "send", state: "completed" },
    });
    const replay = await client.acknowledge(operation.id, "send", { pickupRef: "PU-1" });
    expect(replay).toMatchObject({ replayed: true, wait: { id: first.wait.id } });
    const different = await thrown(client.acknowledge(operation.id, "send", { pickupRef: "PU-2" }));
    expect(different).toMatchObject({ status: 409, problemType: "acknowledgment-conflict" });

    expect(await client.waitForOperation(operation.id, { timeoutMs: 20_000 })).toMatchObject({
      status: "completed",
    });
    // A refusal after the wait was completed differently is a conflict, whatever came since.
    const late = await thrown(
      client.acknowledgeFailure(operation.id, "send", { errorClass: "permanent", message: "too late" }),
    );
    expect(late).toMatchObject({ status: 409, problemType: "acknowledgment-conflict" });
  });

  it("the partner completes the wait through its callback URL, with no API key", async () => {
    const { operation } = await client.startOperation({ type: "test.wait", input: {} });
    const callback = await openWait(operation.id);
    // Through the typed client too, so the conformance check sees the callback route's answers.
    const token = callback.url.split("/").at(-1)!;
    const beat = await client.api.POST("/api/v1/callbacks/{token}", {
      params: { path: { token } },
      body: { status: "heartbeat" },
    });
    expect(beat.response.status).toBe(410); // this wait declared no heartbeat
    const forged = await client.api.POST("/api/v1/callbacks/{token}", {
      params: { path: { token: `${token.slice(0, -2)}xx` } },
      body: { status: "succeeded", payload: { pickupRef: "PU-9" } },
    });
    expect(forged.response.status).toBe(404);

    const partnerFetch = (request: Request) => {
      expect(request.headers.has("authorization")).toBe(false);
      return fetch(request);
    };
    const sent = await sendCallback(
      callback.url.replace(/^http:\/\/localhost:\d+/, server.baseUrl),
      { status: "succeeded", payload: { pickupRef: "PU-9" } },
      { fetch: partnerFetch },
    );
    expect(sent).toMatchObject({ replayed: false, wait: { operationId: operation.id, state: "completed" } });
    expect(await client.waitForOperation(operation.id, { timeoutMs: 20_000 })).toMatchObject({
      status: "completed",
    });
  });

  it("lists the workflow types the key may start", async () => {
    const workflows = await client.listWorkflows();
    expect(workflows.map((w) => w.type).sort()).toEqual(["demo.noop", "test.paused", "test.wait"]);
    expect(workflows.find((w) => w.type === "test.wait")?.steps.map((s) => s.name)).toEqual([
      "prepare",
      "send",
      "finish",
    ]);
  });

  it("waitForOperation ends with OperationWaitError when the operation finishes otherwise", async () => {
    const { operation } = await client.startOperation(noop("w-1"));
    const error = await thrown(
      client.waitForOperation(operation.id, { until: ["blocked"], timeoutMs: 20_000 }),
    );
    expect(error).toBeInstanceOf(OperationWaitError);
    expect(error).toMatchObject({ reason: "finished", operation: { status: "completed" } });
  });

  it("the conformance check itself refuses an answer the document does not describe", async () => {
    const check = documentConformance();
    const answers = [
      new Response(JSON.stringify({ id: 1 }), { headers: { "content-type": "application/json" } }),
      new Response("{}", { status: 418, headers: { "content-type": "application/json" } }),
    ];
    const fake = createThroughlineClient({
      baseUrl: "http://fake.test",
      apiKey: "k",
      fetch: async () => answers.shift()!,
    });
    fake.api.use(check.middleware);
    // The client trusts the types (no validation at run time): only the check sees the bad body.
    await fake.getOperation("01900000-0000-7000-8000-000000000000");
    await thrown(fake.getOperation("01900000-0000-7000-8000-000000000000"));
    expect(check.take()).toEqual([
      expect.stringMatching(
        /^GET \/api\/v1\/operations\/\{id\} → 200: body does not match the document: id: /,
      ),
      "GET /api/v1/operations/{id} → 418: status not in the document",
    ]);
  });
});
