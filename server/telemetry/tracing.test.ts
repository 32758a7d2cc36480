import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { inIntakeSpan, parseTraceparent, startClientSpan, stepParent } from "./tracing";
import { startTracing } from "./tracing-setup";

/** Without an OTLP endpoint nothing is registered: the API's no-op tracer, the links still right. */
describe("tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)", () => {
  it("registers nothing", async () => {
    const handle = startTracing({ defaultServiceName: "throughline-test", env: {} });
    expect(handle.enabled).toBe(false);
    await handle.shutdown();
    expect(trace.getTracer("x").startSpan("s").isRecording()).toBe(false);
  });

  it("refuses malformed traceparents and reads valid ones", () => {
    expect(parseTraceparent(null)).toBeNull();
    expect(parseTraceparent("junk")).toBeNull();
    expect(parseTraceparent(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`)).toBeNull();
    expect(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toMatchObject({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
      isRemote: true,
    });
  });

  it("intake stores the caller's span as the steps' parent, or a fresh sampled pair", async () => {
    const caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    expect(await inIntakeSpan(caller, async (link) => link)).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      traceParent: caller,
    });
    const fresh = await inIntakeSpan("junk", async (link) => link);
    expect(fresh.traceParent).toMatch(new RegExp(`^00-${fresh.traceId}-[\\da-f]{16}-01$`));
  });

  it("a step's parent: the stored traceparent, else one derived from the trace id, stable per operation", () => {
    const stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(trace.getSpanContext(stepParent({ id: "op", traceParent: stored }))?.spanId).toBe(
      "00f067aa0ba902b7",
    );
    const a = trace.getSpanContext(stepParent({ id: "op-1", traceId: "4bf92f3577b34da6a3ce929d0e0e4736" }));
    const b = trace.getSpanContext(stepParent({ id: "op-1", traceId: "4bf92f3577b34da6a3ce929d0e0e4736" }));
    expect(a?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(a?.spanId).toMatch(/^[\da-f]{16}$/);
    expect(b?.spanId).toBe(a?.spanId);
    expect(trace.getSpanContext(stepParent({ id: "op-2" }))).toBeUndefined();
  });

  it("an outbound call without an active span sends no traceparent", () => {
    const { span, traceparent } = startClientSpan("POST", {});
    expect(span.isRecording()).toBe(false);
    expect(traceparent).toBeUndefined();
  });
});
