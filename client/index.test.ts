import { describe, expect, it } from "vitest";
import { retryAfterSeconds } from "./errors";
import { createThroughlineClient, type Operation, OperationWaitError, ThroughlineApiError } from "./index";

const ID = "01900000-0000-7000-8000-000000000001";
const operation = (status: Operation["status"]): Operation => ({
  id: ID,
  type: "demo.noop",
  version: 1,
  status,
  done: status === "completed" || status === "failed",
  statusText: status,
  subject: null,
  reference: null,
  steps: [],
  traceId: "t",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  completedAt: null,
  links: { self: `/api/v1/operations/${ID}`, track: "/track/x" },
});
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": status < 400 ? "application/json" : "application/problem+json",
      ...headers,
    },
  });

/** A client over scripted answers, recording the requests it sent. */
function scripted(answers: Response[]) {
  const sent: Request[] = [];
  const client = createThroughlineClient({
    baseUrl: "http://throughline.test/",
    apiKey: "tl_key",
    fetch: async (request) => {
      sent.push(request);
      const next = answers.shift();
      if (!next) throw new Error("no more answers");
      return next;
    },
  });
  return { client, sent };
}

describe("createThroughlineClient", () => {
  it("sends the key as a bearer token and the idempotency key as its header", async () => {
    const { client, sent } = scripted([
      answer(202, operation("accepted"), { location: `/api/v1/operations/${ID}`, "retry-after": "1" }),
    ]);
    const started = await client.startOperation({ type: "demo.noop", input: {} }, { idempotencyKey: "k-1" });
    expect(started).toMatchObject({ status: 202, replayed: false, retryAfterS: 1 });
    expect(sent[0]!.url).toBe("http://throughline.test/api/v1/operations");
    expect(sent[0]!.headers.get("authorization")).toBe("Bearer tl_key");
    expect(sent[0]!.headers.get("idempotency-key")).toBe("k-1");
  });

  it("waitForOperation polls as Retry-After says, rides out a 503 that says when, and returns the match", async () => {
    const { client, sent } = scripted([
      answer(200, operation("accepted"), { "retry-after": "0" }),
      answer(
        503,
        { type: "/problems/unavailable", title: "Service unavailable", status: 503 },
        { "retry-after": "0" },
      ),
      answer(200, operation("processing"), { "retry-after": "0" }),
      answer(200, operation("completed")),
    ]);
    expect((await client.waitForOperation(ID)).status).toBe("completed");
    expect(sent).toHaveLength(4);
  });

  it("waitForOperation stops at a status it waits for, or when the operation ends otherwise, or at its deadline", async () => {
    const blocked = scripted([answer(200, operation("blocked"), { "retry-after": "0" })]);
    expect((await blocked.client.waitForOperation(ID, { until: ["blocked"] })).status).toBe("blocked");

    const finished = scripted([answer(200, operation("failed"))]);
    await expect(finished.client.waitForOperation(ID, { until: ["blocked"] })).rejects.toMatchObject({
      name: "OperationWaitError",
      reason: "finished",
      operation: { status: "failed" },
    });

    const late = scripted([answer(200, operation("processing"), { "retry-after": "1" })]);
    const error = await late.client.waitForOperation(ID, { timeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationWaitError);
    expect(error).toMatchObject({ reason: "timeout", operation: { status: "processing" } });
  });

  it("waitForOperation gives up on a refusal that is not 'come back later'", async () => {
    const { client } = scripted([
      answer(404, { type: "/problems/not-found", title: "Not found", status: 404, detail: "No operation" }),
    ]);
    const error = await client.waitForOperation(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThroughlineApiError);
    expect(error).toMatchObject({
      status: 404,
      problemType: "not-found",
      message: "404 Not found: No operation",
    });
  });

  it("an answer that is not problem details is still a ThroughlineApiError", async () => {
    const { client } = scripted([
      new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    ]);
    const error = await client.getOperation(ID).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 502,
      problemType: null,
      problem: { type: "about:blank", title: "Bad Gateway", status: 502, detail: "<html>bad gateway</html>" },
    });
  });
});

describe("retryAfterSeconds", () => {
  it("reads delta-seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterSeconds("5", now)).toBe(5);
    expect(retryAfterSeconds("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30);
    expect(retryAfterSeconds("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBeNull();
    expect(retryAfterSeconds("soon", now)).toBeNull();
  });
});
