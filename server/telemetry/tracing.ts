import { createHash, randomBytes } from "node:crypto";
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { parseTraceParent, W3CTraceContextPropagator } from "@opentelemetry/core";

/**
 * Traces (issue 11): intake → every step attempt → every outbound call, one trace per operation,
 * joined to the caller's when it sent a W3C `traceparent`. This module needs only the API (and
 * core's W3C parser): the SDK and exporter are registered by the process entry points
 * (`startTracing`, tracing-setup.ts) when an OTLP endpoint is configured; otherwise the API's
 * no-op tracer answers every call.
 *
 * The trace crosses processes through the database, not a header: intake stores its span's
 * context as a traceparent on the operation (`operations.trace_parent`), and the worker's step
 * spans take it as their remote parent (`stepParent`). Everything here goes through the global
 * OpenTelemetry API (a symbol on globalThis), so Next's bundle, the API front and the worker all
 * reach the one provider a process registered.
 */

export const TRACER_NAME = "throughline";

/** Span names and Throughline's attributes (the HTTP ones follow the semantic conventions). */
export const SPANS = { intake: "throughline.intake", step: "throughline.step" } as const;
export const ATTRS = {
  operationId: "throughline.operation.id",
  type: "throughline.operation.type",
  version: "throughline.operation.version",
  step: "throughline.step",
  attempt: "throughline.attempt",
  outcome: "throughline.outcome",
  /** On a step span: the attempt undoes the step (its compensation). */
  compensation: "throughline.compensation",
} as const;

/** Looked up on each use: a provider registered later (or a test's) is the one answering. */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** The W3C format itself, used explicitly: parsing and sending work whether or not the SDK is on. */
const w3c = new W3CTraceContextPropagator();

/** A `traceparent` header's span context, or null when absent or malformed. */
export function parseTraceparent(value: string | null | undefined): SpanContext | null {
  if (!value) return null;
  const parsed = parseTraceParent(value.trim());
  return parsed && isSpanContextValid(parsed) ? { ...parsed, isRemote: true } : null;
}

export function formatTraceparent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & TraceFlags.SAMPLED).toString(16)}`;
}

/** What intake stores on the operation: the trace id (shown on the detail page) and where steps continue. */
export interface TraceLink {
  traceId: string;
  /** The intake span's context as a W3C traceparent: the parent of every step span. */
  traceParent: string;
}

/**
 * Runs intake inside a `throughline.intake` span, child of the caller's span when it sent a
 * valid `traceparent`. `fn` gets the link to store. With no SDK the span records nothing; the
 * link is then the caller's span, or a fresh id pair (sampled, so a worker that traces keeps it).
 */
export async function inIntakeSpan<T>(
  caller: string | null | undefined,
  fn: (link: TraceLink, span: Span) => Promise<T>,
): Promise<T> {
  const remote = parseTraceparent(caller);
  const parent = remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : context.active();
  return inSpan(SPANS.intake, { parent, kind: SpanKind.SERVER }, (span) => {
    const own = span.spanContext();
    const link: TraceLink = isSpanContextValid(own)
      ? { traceId: own.traceId, traceParent: formatTraceparent(own) }
      : freshLink();
    return fn(link, span);
  });
}

function freshLink(): TraceLink {
  const traceId = randomBytes(16).toString("hex");
  return { traceId, traceParent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` };
}

/**
 * The context a step span of this operation starts from: its stored intake span; for an
 * operation from before traces were stored, its trace id with a span id derived from the
 * operation id (the same for every attempt, so they still read as one trace); else a new trace.
 */
export function stepParent(op: {
  id: string;
  traceId?: string | null;
  traceParent?: string | null;
}): Context {
  const stored = parseTraceparent(op.traceParent);
  if (stored) return trace.setSpanContext(ROOT_CONTEXT, stored);
  if (op.traceId && /^[\da-f]{32}$/.test(op.traceId)) {
    const spanId = createHash("sha256").update(op.id).digest("hex").slice(0, 16);
    const derived = { traceId: op.traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
    if (isSpanContextValid(derived)) return trace.setSpanContext(ROOT_CONTEXT, derived);
  }
  return ROOT_CONTEXT;
}

/**
 * Runs `fn` in a new span, active for everything `fn` awaits (when the SDK's context manager is
 * on). A throw is recorded on the span and rethrown; the span always ends.
 */
export async function inSpan<T>(
  name: string,
  options: { parent?: Context; kind?: SpanKind; attributes?: Attributes },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with what was thrown (the message only: details stay in the log). */
export function failSpan(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (error instanceof Error) span.recordException({ name: error.name, message });
}

/**
 * A client span for one outbound call, child of the active span (the step's), and the
 * `traceparent` to send with it so the other service continues the trace. No SDK, or no span
 * active: a no-op span and nothing to send.
 */
export function startClientSpan(name: string, attributes: Attributes): { span: Span; traceparent?: string } {
  const active = context.active();
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, active);
  const carrier: Record<string, string> = {};
  w3c.inject(trace.setSpan(active, span), carrier, {
    set: (c, key, value) => {
      c[key] = value;
    },
  });
  return { span, ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}) };
}

/** A parent in trace `traceId` (32 hex digits) with a fresh span id; undefined for anything else. */
export function traceparentOf(traceId: string | null | undefined): string | undefined {
  if (!traceId || !/^[\da-f]{32}$/.test(traceId)) return undefined;
  return `00-${traceId}-${randomBytes(8).toString("hex")}-01`;
}
