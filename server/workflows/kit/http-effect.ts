import { STATUS_CODES } from "node:http";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import { type SafeResponse, safeFetch, UnsafeDestinationError } from "@/server/http-client/safe-fetch";
import { failSpan, startClientSpan } from "@/server/telemetry/tracing";
import { PermanentError, StepError, TransientError } from "./errors";
import { type HttpSummary, redactUrl, retryAfterMs } from "./http-summary";
import type { StepContext } from "./types";

/**
 * The most common effect: calling another service over HTTP, through `safeFetch` (no private
 * destinations unless THROUGHLINE_ALLOW_PRIVATE_URLS=1, no redirects followed, a capped body).
 * It sends the step's idempotency key as `Idempotency-Key`, stops with the step's signal (its
 * timeout, a lost lease), and turns the answer into the kit's errors, so the engine retries,
 * fails or records the output as for any step:
 *
 * - 2xx → `{ status, body, http }`: the body parsed when it is JSON, else the text;
 * - network error, 5xx, 408, 429 → `TransientError` (with `Retry-After` as `retryAfterMs`);
 * - any other 4xx, a 3xx, a refused destination → `PermanentError`, problem details kept;
 * - an answer lost after the request went out (reset, timeout, abort) → code `answer_lost` or
 *   `timeout`: staff are told the call may have been applied (the step's `unknownOutcomeText`).
 *
 * Each call is a client span, child of the step attempt's, and sends its W3C `traceparent` so the
 * other service's spans join the operation's trace (server/telemetry/tracing.ts; only when tracing is on).
 *
 * Every error carries the redacted summary (`http`: method, URL, status, latency) as its
 * `detail`, which the engine writes on the attempt's `attempt_failed` event; a success carries it
 * in the output.
 */
export interface HttpEffectRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  /** A string is sent as is; anything else as JSON (`content-type: application/json`). */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Where the wait's callback URL goes, for a step that declares `wait`: the `Throughline-Callback`
   * header (the default when the step has a callback), a field of the JSON body, or nowhere.
   */
  callback?: "header" | { bodyField: string } | false;
  /** A bound of this call shorter than the step's own timeout (which always applies). */
  timeoutMs?: number;
  /** Bytes of the answer read (default 64 KiB, safeFetch's). */
  maxBodyBytes?: number;
}

export interface HttpEffectResult<T = unknown> {
  status: number;
  /** Parsed JSON when the answer says it is JSON (null when empty), else the text. */
  body: T;
  http: HttpSummary;
}

export const CALLBACK_HEADER = "Throughline-Callback";

/** Connection failures before the request could have reached the other system. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** The longest timer Node keeps; the step's signal ends the call long before. */
const NO_OWN_TIMEOUT_MS = 2_147_483_647;

export async function httpEffect<T = unknown>(
  ctx: Pick<StepContext, "idempotencyKey" | "signal" | "callback">,
  request: HttpEffectRequest,
): Promise<HttpEffectResult<T>> {
  const { method } = request;
  const started = performance.now();
  const summary = (status: number | null): HttpSummary => ({
    method,
    url: redactUrl(request.url),
    status,
    latencyMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    // Not echoed: a malformed URL may still hold a secret.
    throw new PermanentError("The HTTP effect's URL is not a valid URL.", { code: "invalid_url" });
  }
  const target = `${method} ${url.host}`;
  const { headers, body } = outgoing(ctx, request);
  // A client span, child of the step attempt's; its traceparent lets the other service continue
  // the trace (over a caller's header of that name: the span is what the call is).
  const { span, traceparent } = startClientSpan(method, {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_FULL]: redactUrl(request.url),
    [ATTR_SERVER_ADDRESS]: url.hostname,
  });
  if (traceparent) {
    headers.traceparent = traceparent;
    delete headers.tracestate;
  }
  let response: SafeResponse;
  try {
    response = await safeFetch(
      url,
      { method, headers, body, signal: ctx.signal },
      { timeoutMs: request.timeoutMs ?? NO_OWN_TIMEOUT_MS, maxBodyBytes: request.maxBodyBytes },
    );
  } catch (error) {
    const failure = unanswered(error, ctx.signal, target, request.timeoutMs, summary(null));
    span.setAttribute(ATTR_ERROR_TYPE, failure.code ?? failure.name);
    failSpan(span, failure);
    span.end();
    throw failure;
  }
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
  if (response.status >= 400) {
    span.setAttribute(ATTR_ERROR_TYPE, String(response.status));
    failSpan(span, `${target} answered ${response.status}`);
  }
  span.end();
  const http = summary(response.status);
  if (response.status >= 200 && response.status < 300) {
    if (response.truncated) {
      throw new TransientError(
        `${target} answered ${response.status}, but its answer was larger than the effect reads; the call may have been applied.`,
        { code: "answer_lost", detail: { http } },
      );
    }
    return { status: response.status, body: parsed(response) as T, http };
  }
  throw refusal(response, target, http);
}

function outgoing(
  ctx: Pick<StepContext, "idempotencyKey" | "callback">,
  request: HttpEffectRequest,
): { headers: Record<string, string>; body: string | undefined } {
  const headers: Record<string, string> = {
    accept: "application/json, application/problem+json, text/*;q=0.5",
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  let payload = request.body;
  const where = request.callback ?? (ctx.callback ? "header" : false);
  if (where !== false) {
    // An author's mistake, not the other system's: an unexpected error (retries, then a block with an incident id).
    if (!ctx.callback) throw new Error("httpEffect: callback asked for, but the step declares no wait");
    if (where === "header") headers[CALLBACK_HEADER.toLowerCase()] = ctx.callback.url;
    else {
      if (
        payload !== undefined &&
        (typeof payload !== "object" || payload === null || Array.isArray(payload))
      )
        throw new Error("httpEffect: callback.bodyField needs an object body");
      payload = { ...(payload as object | undefined), [where.bodyField]: ctx.callback.url };
    }
  }
  // The engine's key wins over a header of the same name: it is what makes a repeat harmless.
  headers["idempotency-key"] = ctx.idempotencyKey;
  if (payload === undefined) return { headers, body: undefined };
  if (typeof payload === "string") return { headers, body: payload };
  headers["content-type"] ??= "application/json";
  return { headers, body: JSON.stringify(payload) };
}

function isJson(response: SafeResponse): boolean {
  const type = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json");
}

function parsed(response: SafeResponse): unknown {
  if (!isJson(response)) return response.body;
  if (response.body.trim() === "") return null;
  try {
    return JSON.parse(response.body);
  } catch {
    return response.body;
  }
}

function reason(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `${status} ${phrase}` : String(status);
}

/** A non-2xx answer as the kit's error. */
function refusal(response: SafeResponse, target: string, http: HttpSummary): StepError {
  const { status } = response;
  const problem = problemDetails(response);
  const detail = problem ? { http, problem } : { http };
  const said = `${target} answered ${reason(status)}`;
  if (status >= 500 || status === 408 || status === 429) {
    return new TransientError(`${said}.`, {
      code: `http_${status}`,
      detail,
      retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
    });
  }
  if (status >= 300 && status < 400) {
    return new PermanentError(`${said}; redirects are not followed, so the URL needs fixing.`, {
      code: "http_redirect",
      detail,
    });
  }
  const title = typeof problem?.title === "string" ? `: ${problem.title.slice(0, 200)}` : "";
  return new PermanentError(`${said}${title}.`, { code: `http_${status}`, detail });
}

/** The most of a problem document (RFC 9457) kept with the error. */
const PROBLEM_MAX_CHARS = 4_000;
const PROBLEM_MEMBERS = ["type", "title", "status", "detail", "instance"] as const;

/** The answer's problem details, when it sent some (bounded: a large one keeps its standard members). */
function problemDetails(response: SafeResponse): Record<string, unknown> | undefined {
  if (!isJson(response) || response.truncated) return undefined;
  const body = parsed(response);
  if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const problem = body as Record<string, unknown>;
  if (JSON.stringify(problem).length <= PROBLEM_MAX_CHARS) return problem;
  const kept: Record<string, unknown> = {};
  for (const name of PROBLEM_MEMBERS) {
    const value = problem[name];
    if (value !== undefined) kept[name] = typeof value === "string" ? value.slice(0, 500) : value;
  }
  return kept;
}

/** No answer: the step's own stop, our timeout, a refused destination or a network error. */
function unanswered(
  error: unknown,
  signal: AbortSignal,
  target: string,
  timeoutMs: number | undefined,
  http: HttpSummary,
): StepError {
  const detail = { http };
  if (signal.aborted) {
    // The engine's timeout or a lost lease: its own error says so (and marks the outcome unknown).
    if (signal.reason instanceof StepError) return signal.reason;
    return new TransientError(`${target} was stopped before it answered; the call may have been applied.`, {
      code: "answer_lost",
      detail,
    });
  }
  if (error instanceof UnsafeDestinationError) {
    return new PermanentError(`${target} is not an allowed destination: ${error.message}.`, {
      code: "unsafe_destination",
      detail,
    });
  }
  const name = (error as { name?: unknown })?.name;
  if (name === "AbortError" || name === "TimeoutError") {
    return new TransientError(`${target} did not answer within ${timeoutMs} ms.`, {
      code: "timeout",
      detail,
    });
  }
  const code = (error as { code?: unknown })?.code;
  const errno = typeof code === "string" && /^E[A-Z_]{2,30}$/.test(code) ? code : undefined;
  if (errno && NOT_SENT.has(errno)) {
    return new TransientError(`${target} could not be reached (${errno}).`, {
      code: "network_error",
      detail,
    });
  }
  return new TransientError(
    `${target} lost the connection before answering${errno ? ` (${errno})` : ""}; the call may have been applied.`,
    { code: "answer_lost", detail },
  );
}
