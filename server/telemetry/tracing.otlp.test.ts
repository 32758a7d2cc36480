import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inIntakeSpan, SPANS } from "./tracing";
import { startTracing } from "./tracing-setup";

/**
 * startTracing as the processes call it, against a local OTLP/HTTP receiver: the standard
 * variables alone point the exporter at it, and OTEL_SERVICE_NAME names the service.
 */
let server: Server;
let base: string;
const bodies: { path: string; contentType: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      bodies.push({ path: req.url ?? "", contentType: req.headers["content-type"], body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  vi.unstubAllEnvs();
  trace.disable();
});

describe("startTracing with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("exports spans over OTLP/HTTP to the endpoint's /v1/traces, under OTEL_SERVICE_NAME", async () => {
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", base);
    vi.stubEnv("OTEL_SERVICE_NAME", "throughline-web-eu1");
    const handle = startTracing({ defaultServiceName: "throughline-web" });
    expect(handle.enabled).toBe(true);
    const link = await inIntakeSpan(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      async (l) => l,
    );
    expect(link.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    await handle.shutdown(); // flushes the batch

    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.path).toBe("/v1/traces");
    const sent = bodies[0]!.body;
    expect(sent).toContain(SPANS.intake);
    expect(sent).toContain("throughline-web-eu1");
    expect(sent).toContain(link.traceParent.split("-")[2]); // the intake span's id
  });
});
