import { setTimeout as delay } from "node:timers/promises";
import type { TrackPresenter } from "@/server/presenters/track/track-presenter";

/** What one probe measured: each figure from the run's start, null when it never got there. */
export interface ProbeResult {
  operationId: string | null;
  acceptedMs: number | null;
  completedMs: number | null;
  visibleMs: number | null;
  /** Why the operation is not completed and visible; null when it is. */
  error: string | null;
}

export interface ProbeOptions {
  baseUrl: string;
  apiKey: string;
  workflowType: string;
  input: unknown;
  /** Past this the probe gives up: the error says what it was waiting for. */
  deadlineMs: number;
  /** The end user's read model: "visible" means a fresh read of the track page says completed. */
  track: Pick<TrackPresenter, "call">;
  /** Set when the worker stops: the probe ends at once (its caller throws the run away). */
  signal?: AbortSignal;
  /** Between two reads of the operation; short, so the figures say what a client would see. */
  pollMs?: number;
  /** Sent as Idempotency-Key, so a retried POST could never start a second operation. */
  idempotencyKey: string;
  fetch?: typeof fetch;
  /** Milliseconds for the figures (performance.now); a test steps it to make a run slow for sure. */
  clock?: () => number;
}

const POLL_MS = 100;
/**
 * Between two tries when the web does not answer (no connection, or 503): a web restarting for a
 * deploy, or not up yet when a fleet starts, is waited for — up to the deadline, then the run fails.
 */
const RECONNECT_MS = 1_000;

interface OperationBody {
  id?: string;
  status?: string;
  error?: { message?: string } | null;
  blocked?: { kind?: string; reason?: string };
  links?: { track?: string };
}

/**
 * One synthetic operation through the real public path, as a client sees it: POST
 * /api/v1/operations over HTTP with the checker's key (accepted), GET it until the resource says
 * completed (completed), then read its track link's read model until the end user's page says
 * completed (visible). It never throws for what it finds: every failure is an error sentence.
 */
export async function probe(options: ProbeOptions): Promise<ProbeResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const elapsed = () => Math.round(clock() - started);
  const timeout = AbortSignal.timeout(options.deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const doFetch = options.fetch ?? fetch;
  const pollMs = options.pollMs ?? POLL_MS;
  const result: ProbeResult = {
    operationId: null,
    acceptedMs: null,
    completedMs: null,
    visibleMs: null,
    error: null,
  };
  // What the probe was doing, for the error sentence of a deadline or a dropped connection.
  let waitingFor = "the web to accept the operation";
  let lastSeen = "";
  let lastError = "";
  const headers = { authorization: `Bearer ${options.apiKey}`, accept: "application/json" };

  /** One request, tried again while the web does not answer; the POST carries its Idempotency-Key. */
  const request = async (method: "GET" | "POST", path: string, init: Parameters<typeof call>[5]) => {
    for (;;) {
      const answer = await call(doFetch, `${options.baseUrl}${path}`, method, path, signal, init);
      if (answer.ok || !answer.retry) {
        lastError = "";
        return answer;
      }
      lastError = answer.error;
      await delay(RECONNECT_MS, undefined, { signal });
    }
  };

  try {
    const postPath = "/api/v1/operations";
    const posted = await request("POST", postPath, {
      headers: { ...headers, "content-type": "application/json", "idempotency-key": options.idempotencyKey },
      body: JSON.stringify({ type: options.workflowType, input: options.input }),
    });
    if (!posted.ok) return { ...result, error: posted.error };
    result.acceptedMs = elapsed();
    const id = posted.body.id;
    if (!id) return { ...result, error: `${postPath} answered ${posted.status} without an operation id` };
    result.operationId = id;

    waitingFor = "the operation to complete";
    const getPath = `/api/v1/operations/${encodeURIComponent(id)}`;
    let op = posted.body;
    while (op.status !== "completed") {
      if (op.status === "failed")
        return {
          ...result,
          error: `the operation failed${op.error?.message ? `: ${op.error.message}` : ""}`,
        };
      // A block may clear by itself (a re-check) before the deadline; if not, the error says why it held.
      lastSeen = op.blocked ? `blocked, ${op.blocked.kind}: ${op.blocked.reason}` : (op.status ?? "");
      await delay(pollMs, undefined, { signal });
      const got = await request("GET", getPath, { headers });
      if (!got.ok) return { ...result, error: got.error };
      op = got.body;
    }
    result.completedMs = elapsed();

    waitingFor = "the track page to say completed";
    lastSeen = "";
    const token = /^\/track\/([^/?#]+)$/.exec(op.links?.track ?? "")?.[1];
    if (!token) return { ...result, error: "the operation resource has no track link" };
    for (;;) {
      // A read started now: the track presenter's shared read may not answer from before it.
      const view = await options.track.call(decodeURIComponent(token), performance.now());
      if (view.type !== "ok") return { ...result, error: `the track link reads as ${view.type}` };
      if (view.view.state === "completed") break;
      if (view.view.state === "failed") return { ...result, error: "the track page says failed" };
      lastSeen = view.view.state;
      await delay(pollMs, undefined, { signal });
    }
    result.visibleMs = elapsed();
    return result;
  } catch (error) {
    if (options.signal?.aborted) return { ...result, error: "the worker stopped during the check" };
    if (timeout.aborted) {
      const last = lastError ? ` (last error: ${lastError})` : lastSeen ? ` (last seen: ${lastSeen})` : "";
      return {
        ...result,
        error: `timed out after ${options.deadlineMs} ms waiting for ${waitingFor}${last}`,
      };
    }
    return {
      ...result,
      error: `the check broke while waiting for ${waitingFor}: ${(error as Error).message}`,
    };
  }
}

type Answer =
  | { ok: true; status: number; body: OperationBody }
  /** retry: the web did not answer (no connection, 503) — worth another try before the deadline. */
  | { ok: false; error: string; retry: boolean };

/** One request; a refused connection, a non-2xx answer or a body that is not JSON is an error sentence. */
async function call(
  doFetch: typeof fetch,
  url: string,
  method: "GET" | "POST",
  path: string,
  signal: AbortSignal,
  init: { headers: Record<string, string>; body?: string },
): Promise<Answer> {
  let response: Response;
  try {
    response = await doFetch(url, { method, signal, redirect: "manual", ...init });
  } catch (error) {
    if (signal.aborted) throw error; // the deadline or a stop: the caller words it
    return {
      ok: false,
      error: `the web did not answer ${method} ${url}: ${networkReason(error)}`,
      retry: true,
    };
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const problem = body as { title?: string; detail?: string } | undefined;
    const said = problem?.detail ?? problem?.title ?? text.slice(0, 200);
    return {
      ok: false,
      error: `${method} ${path} answered ${response.status}${said ? `: ${said}` : ""}`,
      retry: response.status === 503,
    };
  }
  if (typeof body !== "object" || body === null)
    return {
      ok: false,
      error: `${method} ${path} answered ${response.status} with a body that is not JSON`,
      retry: false,
    };
  return { ok: true, status: response.status, body: body as OperationBody };
}

/** undici's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, …). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
