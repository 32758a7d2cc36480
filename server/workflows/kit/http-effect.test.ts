import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { classifyError, outcomeUnknown } from "@/server/engine/classify";
import { eventually } from "@/test/eventually";
import { PermanentError, StepError, TransientError } from "./errors";
import { CALLBACK_HEADER, httpEffect } from "./http-effect";
import { REDACTED, redactUrl, retryAfterMs } from "./http-summary";

/** What the test server received, per path, so a test can read its own call. */
const received = new Map<string, { headers: IncomingMessage["headers"]; body: string }>();
let server: Server;
let base: string;

const problem = (status: number, title: string) => ({
  type: `https://errors.example.com/${status}`,
  title,
  status,
  detail: "The order ord_1 is not known here.",
});

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      received.set(path, { headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const json = (status: number, value: unknown, type = "application/json", extra = {}) =>
        res.writeHead(status, { "content-type": type, ...extra }).end(JSON.stringify(value));
      if (path.startsWith("/hang")) return; // never answers: the timeout and the abort end the call
      switch (path) {
        case "/json":
          return json(201, { chargeId: "ch_1" }, "application/json; charset=utf-8");
        case "/text":
          return res.writeHead(200, { "content-type": "text/plain" }).end("accepted");
        case "/empty":
          return res.writeHead(204).end();
        case "/json-empty":
          return res.writeHead(200, { "content-type": "application/json" }).end();
        case "/big":
          return json(200, { items: "x".repeat(10_000) });
        case "/500":
          return res.writeHead(500).end("boom");
        case "/503":
          return res.writeHead(503, { "retry-after": "7" }).end();
        case "/408":
          return res.writeHead(408).end();
        case "/429":
          return res.writeHead(429, { "retry-after": new Date(Date.now() + 30_000).toUTCString() }).end();
        case "/404":
          return json(404, problem(404, "Order not found"), "application/problem+json");
        case "/422":
          return json(422, problem(422, "Amount out of range"), "application/problem+json");
        default:
          return json(200, { headers: req.headers, body: received.get(path)?.body });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
// The test server is on loopback, which safeFetch refuses unless the operator allows it.
beforeEach(() => {
  vi.stubEnv("THROUGHLINE_ALLOW_PRIVATE_URLS", "1");
  return () => vi.unstubAllEnvs();
});

const ctx = (
  over: { signal?: AbortSignal; callback?: { url: string; token: string; waitId: string } } = {},
) => ({
  idempotencyKey: "op_1:charge",
  signal: over.signal ?? new AbortController().signal,
  callback: over.callback,
});

/** The error the call threw, checked to be one of the kit's. */
async function thrown(promise: Promise<unknown>): Promise<StepError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepError);
  return error as StepError;
}

describe("httpEffect: the answer's class", () => {
  it("returns a 2xx JSON answer parsed, with the redacted summary", async () => {
    const result = await httpEffect(ctx(), { method: "POST", url: `${base}/json`, body: { amount: 5 } });
    expect(result).toMatchObject({
      status: 201,
      body: { chargeId: "ch_1" },
      http: { method: "POST", url: `${base}/json`, status: 201 },
    });
    expect(Number.isInteger(result.http.latencyMs) && result.http.latencyMs >= 0).toBe(true);
    expect(received.get("/json")?.headers["content-type"]).toBe("application/json");
    expect(received.get("/json")?.body).toBe('{"amount":5}');
  });

  it("returns a 2xx text answer as text; an empty JSON answer is null, a 204 empty text", async () => {
    expect((await httpEffect(ctx(), { method: "GET", url: `${base}/text` })).body).toBe("accepted");
    expect((await httpEffect(ctx(), { method: "PUT", url: `${base}/json-empty` })).body).toBeNull();
    expect((await httpEffect(ctx(), { method: "DELETE", url: `${base}/empty` })).body).toBe("");
  });

  it("a 2xx answer larger than it reads is a lost answer: the call may have been applied", async () => {
    const error = await thrown(httpEffect(ctx(), { method: "POST", url: `${base}/big`, maxBodyBytes: 100 }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: "answer_lost", detail: { http: { status: 200 } } });
    expect(outcomeUnknown(error, true)).toBe(true);
  });

  it("500, 503, 408 and 429 are transient; Retry-After (seconds or a date) becomes the retry delay", async () => {
    const e500 = await thrown(httpEffect(ctx(), { method: "POST", url: `${base}/500` }));
    expect(e500).toBeInstanceOf(TransientError);
    expect(e500).toMatchObject({ code: "http_500", retryAfterMs: undefined });
    expect(e500.message).toBe(`POST ${new URL(base).host} answered 500 Internal Server Error.`);

    const e503 = await thrown(httpEffect(ctx(), { method: "POST", url: `${base}/503` }));
    expect(e503).toBeInstanceOf(TransientError);
    expect(e503).toMatchObject({ code: "http_503", retryAfterMs: 7_000 });
    expect(classifyError(e503)).toMatchObject({ errorClass: "transient", retryAfterMs: 7_000 });

    const e408 = await thrown(httpEffect(ctx(), { method: "POST", url: `${base}/408` }));
    expect(e408).toBeInstanceOf(TransientError);
    expect(e408.code).toBe("http_408");

    const e429 = (await thrown(httpEffect(ctx(), { method: "POST", url: `${base}/429` }))) as TransientError;
    expect(e429).toBeInstanceOf(TransientError);
    expect(e429.code).toBe("http_429");
    // An HTTP date has whole seconds: at most the 30 s the server asked, and some wait is left.
    expect(e429.retryAfterMs).toBeGreaterThan(0);
    expect(e429.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("404 and 422 are permanent and keep the problem details", async () => {
    const e404 = await thrown(httpEffect(ctx(), { method: "GET", url: `${base}/404` }));
    expect(e404).toBeInstanceOf(PermanentError);
    expect(e404.message).toBe(`GET ${new URL(base).host} answered 404 Not Found: Order not found.`);
    expect(e404.detail).toMatchObject({
      problem: problem(404, "Order not found"),
      http: { method: "GET", status: 404 },
    });
    const e422 = await thrown(httpEffect(ctx(), { method: "POST", url: `${base}/422` }));
    expect(e422).toBeInstanceOf(PermanentError);
    expect(e422).toMatchObject({ code: "http_422", detail: { problem: { title: "Amount out of range" } } });
    // The engine records the detail with the error (and so on the attempt_failed event).
    expect(classifyError(e422)).toMatchObject({
      errorClass: "permanent",
      error: { code: "http_422", detail: { problem: { status: 422 } } },
    });
  });

  it("a refused connection is transient, and nothing was sent (the outcome is known)", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const error = await thrown(httpEffect(ctx(), { method: "POST", url: `http://127.0.0.1:${port}/x` }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: "network_error", detail: { http: { status: null } } });
    expect(error.message).toContain("ECONNREFUSED");
    expect(outcomeUnknown(error, true)).toBe(false);
  });

  it("its own timeout and the step's abort end a call with no answer: transient, the outcome unknown", async () => {
    const late = await thrown(httpEffect(ctx(), { method: "POST", url: `${base}/hang`, timeoutMs: 50 }));
    expect(late).toBeInstanceOf(TransientError);
    expect(late).toMatchObject({ code: "timeout" });
    expect(outcomeUnknown(late, true)).toBe(true);

    // The engine aborts with its own error (a timeout, a lost lease): that error is the answer.
    const step = new AbortController();
    const engineReason = new TransientError("The step did not finish within its 100 ms timeout.", {
      code: "timeout",
    });
    const call = httpEffect(ctx({ signal: step.signal }), { method: "POST", url: `${base}/hang/engine` });
    await eventually(() => expect(received.has("/hang/engine")).toBe(true));
    step.abort(engineReason);
    expect(await thrown(call)).toBe(engineReason);

    // Aborted by anything else: the request may have been applied.
    const other = new AbortController();
    const call2 = httpEffect(ctx({ signal: other.signal }), { method: "POST", url: `${base}/hang` });
    other.abort();
    const lost = await thrown(call2);
    expect(lost).toMatchObject({ code: "answer_lost" });
    expect(outcomeUnknown(lost, true)).toBe(true);
  });

  it("refuses a private destination unless THROUGHLINE_ALLOW_PRIVATE_URLS=1: permanent", async () => {
    vi.stubEnv("THROUGHLINE_ALLOW_PRIVATE_URLS", "");
    const error = await thrown(httpEffect(ctx(), { method: "GET", url: `${base}/json` }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe("unsafe_destination");
  });
});

describe("httpEffect: what it sends", () => {
  it("sends the step's idempotency key, over a header of the same name", async () => {
    await httpEffect(ctx(), {
      method: "POST",
      url: `${base}/key`,
      body: "{}",
      headers: { "Idempotency-Key": "mine", "X-Trace": "t1" },
    });
    expect(received.get("/key")?.headers).toMatchObject({
      "idempotency-key": "op_1:charge",
      "x-trace": "t1",
    });
  });

  it("hands the wait's callback URL over as a header (the default) or a body field", async () => {
    const callback = {
      url: "https://throughline.example.com/api/v1/callbacks/tok_1",
      token: "tok_1",
      waitId: "w1",
    };
    await httpEffect(ctx({ callback }), { method: "POST", url: `${base}/cb-header`, body: { a: 1 } });
    expect(received.get("/cb-header")?.headers[CALLBACK_HEADER.toLowerCase()]).toBe(callback.url);
    await httpEffect(ctx({ callback }), {
      method: "POST",
      url: `${base}/cb-body`,
      body: { a: 1 },
      callback: { bodyField: "callbackUrl" },
    });
    expect(JSON.parse(received.get("/cb-body")?.body ?? "")).toEqual({ a: 1, callbackUrl: callback.url });
    expect(received.get("/cb-body")?.headers[CALLBACK_HEADER.toLowerCase()]).toBeUndefined();
    await httpEffect(ctx({ callback }), { method: "POST", url: `${base}/cb-none`, callback: false });
    expect(received.get("/cb-none")?.headers[CALLBACK_HEADER.toLowerCase()]).toBeUndefined();
    // Asking for a callback in a step without `wait` is the author's mistake: not a kit error.
    const mistake = httpEffect(ctx(), { method: "POST", url: `${base}/cb-missing`, callback: "header" });
    await expect(mistake).rejects.not.toBeInstanceOf(StepError);
    expect(received.has("/cb-missing")).toBe(false);
  });

  it("records the URL without secrets: query values named like credentials, userinfo and fragment go", async () => {
    const result = await httpEffect(ctx(), {
      method: "GET",
      url: `${base}/q?access_token=abc&page=2&apiKey=k1&X-Amz-Signature=s1&client_secret=c&password=p#frag`,
    });
    expect(result.http.url).toBe(
      `${base}/q?access_token=${REDACTED}&page=2&apiKey=${REDACTED}&X-Amz-Signature=${REDACTED}&client_secret=${REDACTED}&password=${REDACTED}`,
    );
    const error = await thrown(httpEffect(ctx(), { method: "GET", url: `${base}/503?token=t0p` }));
    expect(error.detail).toMatchObject({ http: { url: `${base}/503?token=${REDACTED}`, status: 503 } });
    expect(JSON.stringify(error.detail)).not.toContain("t0p");
    expect(redactUrl("https://user:pw@api.example.com/p?sig=1&q=x#f")).toBe(
      `https://api.example.com/p?sig=${REDACTED}&q=x`,
    );
    expect(redactUrl("not a url?token=s")).toBe("(invalid URL)");
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-12-04T02:00:00Z");
  it("reads delay-seconds and HTTP dates; a past date is 0; anything else is no delay", () => {
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs("Fri, 04 Dec 2026 02:01:30 GMT", now)).toBe(90_000);
    expect(retryAfterMs("Fri, 04 Dec 2026 01:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
