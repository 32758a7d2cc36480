import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { type EngineHarness, engineHarness } from "@/test/engine/harness";
import { httpEffect } from "./http-effect";
import { REDACTED } from "./http-summary";
import { WorkflowRegistry } from "./registry";
import { defineWorkflow } from "./types";

/**
 * The HTTP effect inside a real step, run by a real worker over a real database: the engine
 * turns the helper's errors into retries (waiting what Retry-After asked) and failures, and
 * writes its redacted summary on the attempt's timeline.
 */
function httpWorkflow(type: string, timeoutMs: number, maxAttempts: number) {
  return defineWorkflow({
    type,
    version: 1,
    title: "HTTP effect",
    description: "Reserves, then calls a partner over HTTP (test).",
    input: z.object({ url: z.string().max(500), undoUrl: z.string().max(500).optional() }),
    exampleInput: { url: "https://partner.example.com/charges" },
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
          description: "Releases the reservation at the partner, when the test names where.",
          run: async (ctx) => {
            if (ctx.input.undoUrl) await httpEffect(ctx, { method: "DELETE", url: ctx.input.undoUrl });
          },
        },
        retry: { maxAttempts: 3, initialDelayMs: 50, backoff: 2, maxDelayMs: 1_500 },
        timeoutMs: 4_000,
      },
      {
        name: "call",
        title: "Call the partner",
        userText: "Calling the partner",
        unknownOutcomeText: "The partner may have the charge; asking again with the same key is safe.",
        effect: {
          description: "POSTs the charge to the partner.",
          run: (ctx) => httpEffect(ctx, { method: "POST", url: ctx.input.url, body: { amount: 5 } }),
        },
        compensation: { none: "Test step." },
        retry: { maxAttempts, initialDelayMs: 50, backoff: 2, maxDelayMs: 1_500 },
        timeoutMs,
      },
    ],
  });
}
const registry = new WorkflowRegistry([
  httpWorkflow("test.http_effect", 4_000, 3),
  httpWorkflow("test.http_effect_short", 300, 1),
]);

/** Per path: the idempotency keys received, in order. */
const keys = new Map<string, string[]>();
let server: Server;
let base: string;
let t: TestDatabase;
let h: EngineHarness;

beforeAll(async () => {
  // The partner is this process's loopback server, which safeFetch refuses unless allowed.
  vi.stubEnv("THROUGHLINE_ALLOW_PRIVATE_URLS", "1");
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path === "/hang") return; // never answers: the step's timeout ends the call
      const seen = [...(keys.get(path) ?? []), String(req.headers["idempotency-key"])];
      keys.set(path, seen);
      if ((path === "/busy" || path === "/undo-busy") && seen.length === 1)
        return res.writeHead(503, { "retry-after": "1" }).end();
      if (path === "/unknown")
        return res
          .writeHead(404, { "content-type": "application/problem+json" })
          .end(JSON.stringify({ type: "about:blank", title: "No such order", status: 404 }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ chargeId: "ch_9" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestDatabase();
  h = await engineHarness({ db: t.db, url: t.url, registry });
  await h.startWorker();
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  vi.unstubAllEnvs();
});

const outputOf = async (id: string) => {
  const [row] = await t.db.$client<{ output: unknown }[]>`
    select output from steps where operation_id = ${id} and name = 'call'`;
  return row?.output;
};

describe("httpEffect in a real step", () => {
  it("a 503 with Retry-After is retried after the asked delay with the same key, then the 2xx is the output", async () => {
    const id = await h.start("test.http_effect", { url: `${base}/busy?token=s3cret` });
    expect(await h.waitFor(id)).toBe("completed");
    expect(keys.get("/busy")).toEqual([`${id}:call`, `${id}:call`]);

    const events = await h.events(id);
    const failed = events.find((e) => e.type === "attempt_failed");
    expect(failed?.data).toMatchObject({
      errorClass: "transient",
      code: "http_503",
      detail: { http: { method: "POST", url: `${base}/busy?token=${REDACTED}`, status: 503 } },
    });
    expect(JSON.stringify(events)).not.toContain("s3cret");
    // Retry-After: 1 beats the 50 ms backoff (and is under the policy's 1.5 s cap).
    expect(events.find((e) => e.type === "retry_scheduled")?.data).toMatchObject({
      delayMs: 1_000,
      retryAfterMs: 1_000,
    });
    expect(await outputOf(id)).toMatchObject({
      status: 200,
      body: { chargeId: "ch_9" },
      http: { method: "POST", url: `${base}/busy?token=${REDACTED}`, status: 200 },
    });
  });

  it("a 404 with problem details fails the operation at once, the problem kept on the timeline", async () => {
    const id = await h.start("test.http_effect", { url: `${base}/unknown` });
    expect(await h.waitFor(id)).toBe("failed");
    expect(keys.get("/unknown")).toEqual([`${id}:call`]);
    const failed = (await h.events(id)).find((e) => e.type === "attempt_failed");
    expect(failed?.data).toMatchObject({
      errorClass: "permanent",
      code: "http_404",
      message: `POST ${new URL(base).host} answered 404 Not Found: No such order.`,
      detail: { problem: { title: "No such order", status: 404 }, http: { status: 404 } },
    });
  });

  it("an undo through httpEffect gets the compensation's key and is retried after a 503, recorded with its summary", async () => {
    const id = await h.start("test.http_effect", { url: `${base}/unknown`, undoUrl: `${base}/undo-busy` });
    expect(await h.waitFor(id)).toBe("failed");
    expect(keys.get("/undo-busy")).toEqual([`${id}:reserve:compensate`, `${id}:reserve:compensate`]);
    const events = await h.events(id);
    expect(events.find((e) => e.type === "attempt_failed" && e.data?.compensation)?.data).toMatchObject({
      errorClass: "transient",
      detail: { http: { method: "DELETE", url: `${base}/undo-busy`, status: 503 } },
    });
    expect(events.some((e) => e.type === "step_compensated" && e.step === "reserve")).toBe(true);
  });

  it("the step's timeout ends a call that never answers: the attempt's outcome is unknown", async () => {
    const id = await h.start("test.http_effect_short", { url: `${base}/hang` });
    expect(await h.waitFor(id, ["blocked"])).toBe("blocked");
    const failed = (await h.events(id)).find((e) => e.type === "attempt_failed" && e.step === "call");
    expect(failed?.data).toMatchObject({ errorClass: "transient", code: "timeout", outcomeUnknown: true });
  });
});
