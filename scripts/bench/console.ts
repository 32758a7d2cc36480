import { randomUUID } from "node:crypto";
import { chromium } from "@playwright/test";
import postgres from "postgres";
import { createDb, type Db } from "@/db/client";
import { DashboardPresenter } from "@/server/presenters/dashboard/dashboard-presenter";
import { SearchPresenter, type SearchRequest } from "@/server/presenters/search/search-presenter";
import { defaultRegistry } from "@/server/workflows";
import { benchAlerts } from "./alerts";
import { type Seeded, seedOperations } from "./console-seed";
import { type BenchFigure, figuresOf } from "./figures";
import { benchInbox } from "./inbox";
import { percentile, startWeb, stopWeb } from "./lib";
import { benchMetricsScrape } from "./metrics-scrape";

/**
 * The console at scale, in `npm run bench` (BENCH_ONLY=console):
 * 1. search latency with 1,000,000 operations (BENCH_CONSOLE_OPERATIONS), per kind of lookup;
 * 2. dashboard: the read model's time, and time to first render in Chromium;
 * 3. live updates: a committed event → the browser's DOM showing it, over 100 events;
 * 4. the operator inbox by cause: grouping and one group's list (scripts/bench/inbox.ts);
 * 5. one alert evaluation (scripts/bench/alerts.ts) and a Prometheus scrape of GET /api/metrics
 *    over HTTP (scripts/bench/metrics-scrape.ts), both over the same operations.
 * The web server runs against the same database (built on first use, like the intake bench).
 * BENCH_CONSOLE_SEARCH_ONLY=1 stops after 1, 4 and the alert evaluation (no build, no browser). Each search's time
 * includes its bounded total count, read beside the page.
 */
const TARGET = Number(process.env.BENCH_CONSOLE_OPERATIONS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_CONSOLE_QUERIES ?? 200);
const LIVE_EVENTS = Number(process.env.BENCH_CONSOLE_EVENTS ?? 100);
const HTTP_PORT = Number(process.env.BENCH_CONSOLE_PORT ?? 3298);
const ADMIN = { email: "bench-admin@example.com", password: "bench-admin-password-1" };

export async function benchConsole(options: { url: string }): Promise<BenchFigure[]> {
  const { figures, add } = figuresOf("console");
  const db = createDb(options.url, { max: 8, applicationName: "bench-console" });
  try {
    const seeded = await seedOperations(db.$client, TARGET);
    await benchSearch(db, seeded, add);
    // No browser either; after search, as it turns 87 completed orders into one blocked incident.
    await benchInbox(db, seeded.total, add);
    await benchAlerts(db, seeded.total, add);
    if (process.env.BENCH_CONSOLE_SEARCH_ONLY === "1") return figures;
    const presenter = new DashboardPresenter({ db, registry: defaultRegistry });
    const model: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await presenter.call();
      model.push(performance.now() - t0);
    }
    const web = await startWeb({
      url: options.url,
      port: HTTP_PORT,
      env: { THROUGHLINE_ADMIN_EMAIL: ADMIN.email, THROUGHLINE_ADMIN_PASSWORD: ADMIN.password },
      // The admin is created just after the web answers: wait until sign-in can work.
      ready: () => adminExists(options.url),
    });
    try {
      await benchMetricsScrape(db, { port: HTTP_PORT, total: seeded.total }, add);
      const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
        args: ["--no-sandbox", "--disable-gpu"],
      });
      try {
        const render = await benchDashboardRender(browser);
        const dash = (label: string, ms: number[]) => {
          add(
            `dashboard ${label}, ${seeded.total.toLocaleString("en")} ops, ${ms.length} runs, p50`,
            percentile(ms, 50),
            "ms",
          );
          add(
            `dashboard ${label}, ${seeded.total.toLocaleString("en")} ops, ${ms.length} runs, max`,
            Math.max(...ms),
            "ms",
          );
        };
        dash("read model (DashboardPresenter.call)", model);
        dash("server-rendered HTML with the data, complete", render.html);
        dash("first contentful paint in Chromium (the shell streams first)", render.fcp);
        dash("navigation → data on screen", render.ready);
        const live = await benchLive(browser, db);
        add(`live: committed event → browser DOM, ${live.length} events, p50`, percentile(live, 50), "ms");
        add(`live: committed event → browser DOM, ${live.length} events, p95`, percentile(live, 95), "ms");
        add(`live: committed event → browser DOM, ${live.length} events, max`, Math.max(...live), "ms");
      } finally {
        await browser.close();
      }
    } finally {
      await stopWeb(web);
    }
  } finally {
    await db.$client.end();
  }
  return figures;
}

async function benchSearch(db: Db, seeded: Seeded, add: ReturnType<typeof figuresOf>["add"]): Promise<void> {
  const sql = db.$client;
  const sample = await sql<{ id: string; reference: string; subject: string; key: string | null }[]>`
    select id, reference, subject, idempotency_key as key from operations tablesample system (0.1) limit ${QUERIES}`;
  const keys = sample.filter((s) => s.key);
  const search = new SearchPresenter(db, defaultRegistry);
  const pick = <T>(xs: T[], i: number) => xs[i % xs.length]!;
  const kinds: [string, (i: number) => SearchRequest][] = [
    ["by id", (i) => ({ q: pick(sample, i).id })],
    ["by reference", (i) => ({ q: pick(sample, i).reference })],
    ["by customer email, in capitals", (i) => ({ q: pick(sample, i).subject.toUpperCase() })],
    ["by the start of a customer email", (i) => ({ q: pick(sample, i).subject.slice(0, 12).toUpperCase() })],
    ["by the start of a reference (short: capped, 'more than')", () => ({ q: "ORD_1" })],
    ["by the start of an id (8 hex digits)", (i) => ({ q: pick(sample, i).id.slice(0, 8) })],
    ["by idempotency key", (i) => ({ q: pick(keys, i).key })],
    ["by error text (rare)", (i) => ({ q: `code 51) #${pick(sample, i).reference.slice(4)}` })],
    ["by error text (common, first page)", () => ({ q: "declined by issuer" })],
    ["filtered page: type + failed", () => ({ type: "order.fulfill", statuses: ["failed"] })],
    [
      "filtered page: type + last 3 days, page 2",
      () => ({ type: "report.export", from: new Date(Date.now() - 3 * 86_400_000) }),
    ],
    ["filtered page: completed, by finish time", () => ({ statuses: ["completed"], sort: "finished_desc" })],
    ["filtered page: synthetic only", () => ({ synthetic: true })],
    ["filtered page: current step, in flight", () => ({ type: "order.fulfill", step: "charge_payment" })],
  ];
  const at = `${seeded.total.toLocaleString("en")} ops`;
  for (const [label, request] of kinds) {
    for (let i = 0; i < 5; i++) await search.call(request(i)); // warm the cache, as a live system is
    const latencies: number[] = [];
    let found = 0;
    let total = "";
    for (let i = 0; i < QUERIES; i++) {
      let req = request(i);
      if (label.includes("page 2")) {
        const first = await search.call(req);
        req = { ...req, cursor: first.next };
      }
      const t0 = performance.now();
      const page = await search.call({ ...req, limit: 50 });
      latencies.push(performance.now() - t0);
      found += page.rows.length;
      total = `${page.total.atLeast ? "> " : ""}${page.total.count}`;
    }
    add(`search ${label}, ${at}, p50`, percentile(latencies, 50), "ms");
    add(`search ${label}, ${at}, p95`, percentile(latencies, 95), "ms");
    add(`search ${label}: rows a query (total ${total})`, found / QUERIES, "rows");
  }
}

/** Signs in through the endpoint the sign-in form posts to; the cookie lands in the page's context. */
async function signIn(page: import("@playwright/test").Page, next: string): Promise<void> {
  const base = `http://127.0.0.1:${HTTP_PORT}`;
  const res = await page.request.post(`${base}/api/auth/sign-in/email`, {
    data: ADMIN,
    headers: { origin: base },
  });
  if (res.status() !== 200) throw new Error(`bench admin sign-in answered ${res.status()}`);
  await page.goto(`${base}${next}`);
}

async function benchDashboardRender(browser: import("@playwright/test").Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "/");
  const fcp: number[] = [];
  const ready: number[] = [];
  const html: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const res = await page.request.get(`http://127.0.0.1:${HTTP_PORT}/`);
    const body = await res.text();
    if (!body.includes("postgres-version")) throw new Error("the dashboard HTML has no data");
    if (i > 0) html.push(performance.now() - t0);
  }
  for (let i = 0; i < 6; i++) {
    await page.goto(`http://127.0.0.1:${HTTP_PORT}/`);
    await page.getByTestId("postgres-version").waitFor();
    const timing = await page.evaluate(() => {
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      return { fcp: paint?.startTime ?? Number.NaN, now: performance.now() };
    });
    if (i === 0) continue; // the first load also warms the server's code paths
    fcp.push(timing.fcp);
    ready.push(timing.now);
  }
  await context.close();
  return { fcp, ready, html };
}

/** Opens one operation's page, then commits events one by one and times each until it is in the DOM. */
async function benchLive(browser: import("@playwright/test").Browser, db: Db): Promise<number[]> {
  const sql = db.$client;
  const id = randomUUID();
  await sql`insert into operations (id, type, version, status, input, submitted_by, request_hash, trace_id, reference, current_step, synthetic)
            values (${id}, 'demo.noop', 1, 'processing', '{}', 'key:bench', 'h', 't', 'bench-live', 'noop', true)`;
  await sql`insert into events (operation_id, type, actor) values (${id}, 'accepted', 'key:bench')`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, `/operations/${id}`);
  await page.getByText("Live", { exact: true }).waitFor();
  await page.evaluate(() => {
    const seen = new Map<string, number>();
    Object.assign(window, { __seen: seen });
    new MutationObserver(() => {
      for (const el of document.querySelectorAll<HTMLElement>("[data-event-id]")) {
        const key = el.dataset.eventId!;
        if (!seen.has(key)) seen.set(key, Date.now());
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  const committed = new Map<string, number>();
  for (let i = 0; i < LIVE_EVENTS; i++) {
    const [row] = await sql<{ id: string }[]>`
      insert into events (operation_id, type, step, actor, data)
      values (${id}, 'step_started', 'noop', 'worker:bench', ${JSON.stringify({ attempt: i + 1 })}::jsonb) returning id::text`;
    committed.set(row!.id, Date.now());
    await new Promise((r) => setTimeout(r, 60 + Math.random() * 60));
  }
  await page.waitForFunction(
    (n) => (window as unknown as { __seen: Map<string, number> }).__seen.size >= n,
    committed.size + 1,
    { timeout: 30_000 },
  );
  const seen = new Map(
    await page.evaluate(() => [...(window as unknown as { __seen: Map<string, number> }).__seen.entries()]),
  );
  await context.close();
  return [...committed]
    .map(([eventId, at]) => (seen.get(eventId) ?? Number.NaN) - at)
    .filter(Number.isFinite);
}

async function adminExists(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<
      { n: number }[]
    >`select count(*)::int as n from staff_users where lower(email) = ${ADMIN.email}`;
    return (row?.n ?? 0) > 0;
  } catch {
    return false;
  } finally {
    await sql.end();
  }
}
