import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SpanKind } from "@opentelemetry/api";
import type { InMemorySpanExporter, ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createApiKey } from "@/server/auth/api-keys";
import type { Principal } from "@/server/domain/principal";
import { operationsApi } from "@/server/http/operations-api";
import { createCaller } from "@/server/routers/_app";
import type { Services } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { PermanentError } from "@/server/workflows/kit/errors";
import { httpEffect } from "@/server/workflows/kit/http-effect";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { defineWorkflow } from "@/server/workflows/kit/types";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { testServices } from "@/test/services";
import { ATTRS, SPANS } from "./tracing";
import { installTestTracing } from "./tracing-setup";

/**
 * The trace of one operation, end to end over a real database and a real worker: a caller's
 * traceparent on POST /api/v1/operations → the intake span (its child) → the step attempt's
 * span (child of intake, in the worker) → the HTTP effect's client span (child of the step),
 * whose traceparent the partner receives. All in the caller's trace.
 */
const workflow = defineWorkflow({
  type: "test.traced",
  version: 1,
  title: "Traced",
  description: "Calls a partner over HTTP (test).",
  input: z.object({ url: z.string().max(500) }),
  exampleInput: { url: "https://partner.example.com/charges" },
  completion: { mode: "staged" },
  text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
  objective: { p95Ms: 5_000 },
  stuckAfterMs: 60_000,
  runbook: "Test only.",
  steps: [
    {
      name: "call",
      title: "Call the partner",
      userText: "Calling the partner",
      effect: {
        description: "POSTs to the partner.",
        run: (ctx) => httpEffect(ctx, { method: "POST", url: ctx.input.url, body: { amount: 5 } }),
      },
      compensation: { none: "Test step." },
      retry: { maxAttempts: 1, initialDelayMs: 50, backoff: 2, maxDelayMs: 100 },
      timeoutMs: 4_000,
    },
  ],
});
/** A step whose undo calls the partner, then a step that fails for good: the undo is traced too. */
const undone = defineWorkflow({
  type: "test.traced_undo",
  version: 1,
  title: "Traced undo",
  description: "Reserves, is refused, releases the reservation at a partner over HTTP (test).",
  input: z.object({ url: z.string().max(500) }),
  exampleInput: { url: "https://partner.example.com/reservations/1" },
  completion: { mode: "staged" },
  text: { accepted: "Queued.", completed: "Done.", failed: "Failed." },
  objective: { p95Ms: 5_000 },
  stuckAfterMs: 60_000,
  runbook: "Test only.",
  steps: [
    {
      name: "reserve",
      title: "Reserve",
      userText: "Reserving",
      effect: { description: "Reserves (nothing outside).", run: async () => ({ reserved: true }) },
      compensation: {
        description: "Releases the reservation at the partner.",
        run: async (ctx) => {
          await httpEffect(ctx, { method: "DELETE", url: ctx.input.url });
        },
      },
      retry: { maxAttempts: 1, initialDelayMs: 50, backoff: 2, maxDelayMs: 100 },
      timeoutMs: 4_000,
    },
    {
      name: "refuse",
      title: "Refused",
      userText: "Refused",
      effect: {
        description: "Always refused (test).",
        run: async () => {
          throw new PermanentError("No.", { code: "refused" });
        },
      },
      compensation: { none: "Test step." },
      retry: { maxAttempts: 1, initialDelayMs: 50, backoff: 2, maxDelayMs: 100 },
      timeoutMs: 4_000,
    },
  ],
});
const registry = new WorkflowRegistry([workflow, undone]);

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";

let tracing: ReturnType<typeof installTestTracing>;
let exporter: InMemorySpanExporter;
let server: Server;
let base: string;
/** Headers the partner received, per idempotency key. */
const received = new Map<string, IncomingHttpHeaders>();
let t: TestDatabase;
let services: Services;
let h: EngineHarness;
let writeKey: string;

beforeAll(async () => {
  tracing = installTestTracing();
  exporter = tracing.exporter;
  vi.stubEnv("THROUGHLINE_ALLOW_PRIVATE_URLS", "1");
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received.set(String(req.headers["idempotency-key"]), req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.THROUGHLINE_SECRET ??= "test-secret";
  t = await createTestDatabase();
  services = testServices(t, { registry });
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker();
  writeKey = (await createApiKey({ db: t.db, name: "traced", scopes: ["operations:write"] })).secret;
});
afterAll(async () => {
  await h?.close();
  await services?.close();
  await t?.drop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await tracing?.shutdown();
  vi.unstubAllEnvs();
});

const spansOf = (operationId: string) =>
  exporter.getFinishedSpans().filter((s) => s.attributes[ATTRS.operationId] === operationId);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** Waits for the three spans of the operation's one attempt (the worker ends them after the call). */
async function chainOf(operationId: string) {
  return eventually(() => {
    const intake = spansOf(operationId).find((s) => s.name === SPANS.intake);
    const step = spansOf(operationId).find((s) => s.name === SPANS.step);
    if (!intake || !step) throw new Error("intake or step span not ended yet");
    const client = exporter
      .getFinishedSpans()
      .find((s) => s.kind === SpanKind.CLIENT && parentOf(s) === step.spanContext().spanId);
    if (!client) throw new Error("client span not ended yet");
    return { intake, step, client };
  });
}

describe("traces: intake → step → outbound call", () => {
  it("continues the caller's traceparent from POST /api/v1/operations to the partner", async () => {
    const res = await operationsApi(services).startOperation(
      new Request("http://throughline.test/api/v1/operations", {
        method: "POST",
        headers: {
          authorization: `Bearer ${writeKey}`,
          "content-type": "application/json",
          traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
        },
        body: JSON.stringify({ type: "test.traced", input: { url: `${base}/charges` } }),
      }),
    );
    expect(res.status).toBe(202);
    const { id, traceId } = (await res.json()) as { id: string; traceId: string };
    expect(traceId).toBe(CALLER_TRACE);
    expect(await h.waitFor(id)).toBe("completed");

    const { intake, step, client } = await chainOf(id);
    expect(parentOf(intake)).toBe(CALLER_SPAN);
    expect(parentOf(step)).toBe(intake.spanContext().spanId);
    expect(parentOf(client)).toBe(step.spanContext().spanId);
    for (const span of [intake, step, client]) expect(span.spanContext().traceId).toBe(CALLER_TRACE);

    expect(intake.attributes).toMatchObject({
      [ATTRS.type]: "test.traced",
      [ATTRS.version]: 1,
      [ATTRS.outcome]: "created",
    });
    expect(step.attributes).toMatchObject({
      [ATTRS.operationId]: id,
      [ATTRS.type]: "test.traced",
      [ATTRS.version]: 1,
      [ATTRS.step]: "call",
      [ATTRS.attempt]: 1,
      [ATTRS.outcome]: "succeeded",
    });
    expect(client.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.response.status_code": 200,
    });

    // The partner got the client span's context: its own spans continue the same trace.
    const headers = received.get(`${id}:call`);
    expect(headers?.traceparent).toBe(`00-${CALLER_TRACE}-${client.spanContext().spanId}-01`);

    const [row] = await t.db.$client<{ traceId: string; traceParent: string }[]>`
      select trace_id as "traceId", trace_parent as "traceParent" from operations where id = ${id}`;
    expect(row).toEqual({
      traceId: CALLER_TRACE,
      traceParent: `00-${CALLER_TRACE}-${intake.spanContext().spanId}-01`,
    });
  });

  it("operations.start (tRPC) joins the caller's trace too", async () => {
    const operator: Principal = {
      kind: "staff",
      userId: "00000000-0000-7000-8000-0000000000c7",
      email: "operator@traces.test",
      role: "operator",
    };
    const trace = "0af7651916cd43dd8448eb211c80319c";
    const caller = createCaller(
      createContextInner({ principal: operator, services, traceparent: `00-${trace}-b7ad6b7169203331-01` }),
    );
    const started = await caller.operations.start({ type: "test.traced", input: { url: `${base}/trpc` } });
    expect(started.traceId).toBe(trace);
    expect(await h.waitFor(started.id)).toBe("completed");
    const { intake, step } = await chainOf(started.id);
    expect(parentOf(intake)).toBe("b7ad6b7169203331");
    expect(parentOf(step)).toBe(intake.spanContext().spanId);
    expect(received.get(`${started.id}:call`)?.traceparent).toMatch(
      new RegExp(`^00-${trace}-[\\da-f]{16}-01$`),
    );
  });

  it("an undo attempt is a step span in the same trace, and its outbound call is its child", async () => {
    const trace = "5bf92f3577b34da6a3ce929d0e0e4737";
    const res = await operationsApi(services).startOperation(
      new Request("http://throughline.test/api/v1/operations", {
        method: "POST",
        headers: {
          authorization: `Bearer ${writeKey}`,
          "content-type": "application/json",
          traceparent: `00-${trace}-${CALLER_SPAN}-01`,
        },
        body: JSON.stringify({ type: "test.traced_undo", input: { url: `${base}/undo` } }),
      }),
    );
    const { id } = (await res.json()) as { id: string };
    expect(await h.waitFor(id)).toBe("failed");
    const { intake, undo, client } = await eventually(() => {
      const intake = spansOf(id).find((s) => s.name === SPANS.intake);
      const undo = spansOf(id).find(
        (s) => s.name === SPANS.step && s.attributes[ATTRS.compensation] === true,
      );
      const client =
        undo &&
        exporter
          .getFinishedSpans()
          .find((s) => s.kind === SpanKind.CLIENT && parentOf(s) === undo.spanContext().spanId);
      if (!intake || !undo || !client) throw new Error("spans not ended yet");
      return { intake, undo, client };
    });
    const refused = spansOf(id).find((s) => s.name === SPANS.step && s.attributes[ATTRS.step] === "refuse");
    expect(refused?.attributes[ATTRS.outcome]).toBe("permanent");
    expect(undo.attributes).toMatchObject({ [ATTRS.step]: "reserve", [ATTRS.outcome]: "succeeded" });
    expect(parentOf(undo)).toBe(intake.spanContext().spanId);
    expect(undo.spanContext().traceId).toBe(trace);
    expect(received.get(`${id}:reserve:compensate`)?.traceparent).toBe(
      `00-${trace}-${client.spanContext().spanId}-01`,
    );
  });

  it("without a traceparent the operation starts its own trace, and its steps are in it", async () => {
    const res = await operationsApi(services).startOperation(
      new Request("http://throughline.test/api/v1/operations", {
        method: "POST",
        headers: {
          authorization: `Bearer ${writeKey}`,
          "content-type": "application/json",
          traceparent: "junk",
        },
        body: JSON.stringify({ type: "test.traced", input: { url: `${base}/own` } }),
      }),
    );
    const { id, traceId } = (await res.json()) as { id: string; traceId: string };
    expect(await h.waitFor(id)).toBe("completed");
    const { intake, step, client } = await chainOf(id);
    expect(intake.parentSpanContext).toBeUndefined();
    expect(intake.spanContext().traceId).toBe(traceId);
    expect(step.spanContext().traceId).toBe(traceId);
    expect(client.spanContext().traceId).toBe(traceId);
  });
});
