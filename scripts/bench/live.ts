import { readFileSync } from "node:fs";
import postgres from "postgres";
import { createDb } from "@/db/client";
import { createApiKey } from "@/server/auth/api-keys";
import { DEFAULT_STREAM_LIMITS } from "@/server/live/stream-limiter";
import { type BenchFigure, figuresOf } from "./figures";
import { benchSeconds, closedLoop, percentile, startWeb, stopWeb } from "./lib";
import { listenerPid, rssMb } from "./memory";

const HTTP_PORT = Number(process.env.BENCH_LIVE_PORT ?? 3297);
const BASE = `http://127.0.0.1:${HTTP_PORT}`;
const STREAMS = Number(process.env.BENCH_LIVE_STREAMS ?? 200);
const CONCURRENCY = 16;
const ADMIN = { email: "bench-live@example.com", password: "bench-live-password-1" };

/**
 * Live streams against the production web server (issue 15 hole 9): what one open staff
 * stream (live.changes, a dashboard's) costs in memory, and what STREAMS of them do to intake
 * latency on the same process. The per-person limit is lifted for the measurement (it would
 * refuse all but THROUGHLINE_LIVE_MAX_PER_STAFF of one person's streams); a last row shows how
 * many of STREAMS one person gets under the default limits.
 */
export async function benchLive(options: { url: string }): Promise<BenchFigure[]> {
  const seconds = benchSeconds(15);
  const { figures, add } = figuresOf("live");
  const db = createDb(options.url, { max: 2 });
  const key = (await createApiKey({ db, name: "bench-live", scopes: ["operations:write"] })).secret;
  await db.$client.end();
  const web = await startWeb({
    url: options.url,
    port: HTTP_PORT,
    env: {
      THROUGHLINE_ADMIN_EMAIL: ADMIN.email,
      THROUGHLINE_ADMIN_PASSWORD: ADMIN.password,
      THROUGHLINE_LIVE_MAX_PER_STAFF: String(STREAMS * 2),
    },
    ready: () => adminExists(options.url),
  });
  const held = new AbortController();
  try {
    const cookie = await signIn();
    const pid = listenerPid(HTTP_PORT);
    // Web CPU seconds per phase (from /proc): on a shared machine, CPU per request moves less than latency.
    const intake = async () => {
      const c0 = cpuSeconds(pid);
      const r = await intakeLoop(key, seconds);
      return { ...r, cpuMsPerRequest: ((cpuSeconds(pid) - c0) * 1000) / Math.max(1, r.count) };
    };
    await intake(); // warm-up: the first requests compile routes and fill pools
    // Quiet, loaded, quiet again: on a shared machine the load moves between phases.
    const quiet = await intake();
    const rssBefore = rssMb(pid);
    const streams = await openStreams(cookie, STREAMS, held.signal);
    const rssAfter = rssMb(pid);
    const messagesBefore = streams.messages();
    const loaded = await intake();
    const messages = streams.messages() - messagesBefore;
    held.abort();
    await new Promise((r) => setTimeout(r, 1_000)); // let the server see the aborts
    const quietAgain = await intake();
    const phases = [
      ["no streams open", quiet],
      [`${streams.opened} staff streams open`, loaded],
      ["streams closed again", quietAgain],
    ] as const;
    for (const [when, r] of phases) {
      add(`intake p50, ${when}`, percentile(r.latencies, 50), "ms");
      add(`intake p99, ${when}`, percentile(r.latencies, 99), "ms");
      add(`intake, ${when}`, r.perSecond, "ops/s");
      add(`web CPU per intake request, ${when}`, r.cpuMsPerRequest, "ms");
    }
    add("web server RSS before opening streams", rssBefore, "MB");
    add("web server RSS after opening streams", rssAfter, "MB");
    add(
      "memory per open stream (RSS difference / streams)",
      ((rssAfter - rssBefore) * 1024) / Math.max(1, streams.opened),
      "kB",
    );
    add(
      "messages per stream per second, loaded run",
      messages / Math.max(1, streams.opened) / seconds,
      "msg/s",
    );
    add(`one person's streams allowed by default, of ${STREAMS}`, DEFAULT_STREAM_LIMITS.perStaff, "streams");
  } finally {
    held.abort();
    await stopWeb(web);
  }
  return figures;
}

async function intakeLoop(key: string, seconds: number) {
  return closedLoop({
    concurrency: CONCURRENCY,
    seconds,
    task: async (w, i) => {
      const res = await fetch(`${BASE}/api/v1/operations`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({
          type: "order.fulfill",
          input: {
            orderId: `live_${w}_${i}_${Date.now()}`,
            customerEmail: "bench@example.com",
            items: [{ sku: "A", quantity: 1 }],
            amountCents: 100,
          },
        }),
      });
      if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    },
  });
}

async function signIn(): Promise<string> {
  const res = await fetch(`${BASE}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE },
    body: JSON.stringify(ADMIN),
  });
  if (res.status !== 200) throw new Error(`bench admin sign-in answered ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/**
 * Opens `n` live.changes streams and keeps reading them (as browsers do); resolves once each
 * has its first message or was refused.
 */
async function openStreams(cookie: string, n: number, signal: AbortSignal) {
  let messages = 0;
  let opened = 0;
  const input = encodeURIComponent(JSON.stringify({ json: {} }));
  await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(`${BASE}/api/trpc/live.changes?input=${input}`, {
        headers: { accept: "text/event-stream", cookie },
        signal,
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
        if (text.includes("serialized-error")) return;
        if (text.includes("\nid: ")) break;
      }
      opened++;
      // Read on in the background until aborted, counting messages.
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            messages += decoder.decode(value).split("\nid: ").length - 1;
          }
        } catch {
          // aborted
        }
      })();
    }),
  );
  return { opened, messages: () => messages };
}

/** The process listening on `port` (the Next server itself, not the launcher around it). */
/** CPU time (user + system) one process has used, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function adminExists(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from staff_users where lower(email) = ${ADMIN.email}`;
    return (row?.n ?? 0) > 0;
  } catch {
    return false;
  } finally {
    await sql.end();
  }
}
