import { context, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";

/**
 * The tracing SDK of one process (issue 11), kept apart from tracing.ts so the code that makes
 * spans (intake, the runner, httpEffect, and so Next's bundle) imports only the API; the entry
 * points (scripts/worker.ts, scripts/web-server.ts) and tests import this.
 */

export interface TracingHandle {
  /** A provider is registered and exports spans. */
  enabled: boolean;
  /** Exports what is still buffered, then stops (on process shutdown). */
  shutdown(): Promise<void>;
}

const OFF: TracingHandle = { enabled: false, shutdown: async () => {} };

/**
 * Once per process, at startup (scripts/worker.ts, scripts/web-server.ts). With an OTLP endpoint
 * in the environment: a provider with a batch processor and the OTLP/HTTP exporter, both
 * configured by the standard variables (`OTEL_EXPORTER_OTLP_*`, `OTEL_BSP_*`,
 * `OTEL_TRACES_SAMPLER[_ARG]`, `OTEL_RESOURCE_ATTRIBUTES`); the service name is
 * `OTEL_SERVICE_NAME`, else `defaultServiceName`. Without one: nothing is registered.
 */
export function startTracing(options: {
  defaultServiceName: string;
  /** Where the on/off switch is read (tests); the exporter itself always reads process.env. */
  env?: Record<string, string | undefined>;
}): TracingHandle {
  const env = options.env ?? process.env;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return OFF;
  if (env.OTEL_SDK_DISABLED === "true") return OFF;
  const provider = register(options.defaultServiceName, new BatchSpanProcessor(new OTLPTraceExporter()));
  return { enabled: true, shutdown: () => provider.shutdown() };
}

/**
 * For tests: every span of this process kept in memory, exported as each one ends (so a test
 * reads them as soon as the work it waited for is done). Replaces any provider registered before.
 */
export function installTestTracing(serviceName = "throughline-test"): {
  exporter: InMemorySpanExporter;
  shutdown(): Promise<void>;
} {
  const exporter = new InMemorySpanExporter();
  const provider = register(serviceName, new SimpleSpanProcessor(exporter));
  return {
    exporter,
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function register(serviceName: string, processor: SpanProcessor): NodeTracerProvider {
  // The API keeps the first provider it is given; a second install (tests) replaces it.
  trace.disable();
  context.disable();
  propagation.disable();
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Also the AsyncLocalStorage context manager (the step span is active inside the step, so an
  // outbound call finds it) and the W3C propagator.
  provider.register();
  return provider;
}
