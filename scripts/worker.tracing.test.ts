import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/auth/api-keys";
import type { Services } from "@/server/services";
import { ATTRS, SPANS } from "@/server/telemetry/tracing";
import { installTestTracing } from "@/server/telemetry/tracing-setup";
import { type ApiServer, startApiServer } from "@/test/api-server";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { type SpawnedWorker, spawnWorkerProcess } from "@/test/launcher";
import { testServices } from "@/test/services";

/**
 * The trace crosses from the web to the real worker process (scripts/worker.ts) through the
 * operation's row: this process accepts the operation over HTTP (its intake span kept in memory),
 * the worker — configured only by the standard OTEL_* variables — exports its step span to a
 * local OTLP/HTTP receiver, as the child of that intake span, in the caller's trace.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}
interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const CALLER_TRACE = "6bf92f3577b34da6a3ce929d0e0e4738";
const CALLER_SPAN = "10f067aa0ba902b7";

describe("the worker process's traces", () => {
  let t: TestDatabase;
  let services: Services;
  let api: ApiServer;
  let receiver: Server;
  let worker: SpawnedWorker;
  const exported: { service: string | undefined; span: OtlpSpan }[] = [];
  const tracing = installTestTracing("throughline-web");

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        body += chunk;
      });
      req.on("end", () => {
        const parsed = JSON.parse(body) as OtlpBody;
        for (const rs of parsed.resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue;
          for (const ss of rs.scopeSpans) for (const span of ss.spans) exported.push({ service, span });
        }
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await createTestDatabase();
    services = testServices(t);
    api = await startApiServer(services);
    worker = spawnWorkerProcess({
      DATABASE_URL: t.url,
      THROUGHLINE_SYNTHETIC_CHECKS: "off",
      PORT: new URL(api.baseUrl).port,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      OTEL_BSP_SCHEDULE_DELAY: "50",
      OTEL_SERVICE_NAME: "",
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await services?.close();
    await t?.drop();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    await tracing.shutdown();
  });

  it("exports each step attempt as a child of the web's intake span, in the caller's trace", async () => {
    const { secret } = await createApiKey({ db: t.db, name: "traced", scopes: ["operations:write"] });
    const res = await fetch(`${api.baseUrl}/api/v1/operations`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/json",
        traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      },
      body: JSON.stringify({ type: "demo.noop", input: { note: "traced" } }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const intake = tracing.exporter
      .getFinishedSpans()
      .find((s) => s.name === SPANS.intake && s.attributes[ATTRS.operationId] === id);
    expect(intake?.parentSpanContext?.spanId).toBe(CALLER_SPAN);

    const step = await eventually(
      () => {
        const found = exported.find(
          ({ span }) =>
            span.name === SPANS.step &&
            span.attributes.some((a) => a.key === ATTRS.operationId && a.value.stringValue === id),
        );
        if (!found)
          throw new Error(`no step span exported yet; worker output:\n${worker.output().slice(-1_000)}`);
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(step.service).toBe("throughline-worker");
    expect(step.span.traceId).toBe(CALLER_TRACE);
    expect(step.span.parentSpanId).toBe(intake!.spanContext().spanId);
  });
});
