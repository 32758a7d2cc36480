/**
 * Issue 15 hole 2: PostgreSQL killed under load. The web process's real route handlers (REST,
 * tRPC, health) run over a private embedded cluster this file owns; its postmaster is
 * SIGKILLed while clients keep calling, then started again.
 *
 * A second run stops (SIGSTOP) every process of the cluster instead: a server that accepts and
 * never answers.
 *
 * While it is gone every answer must be a 503 problem with Retry-After (tRPC: its typed
 * SERVICE_UNAVAILABLE error), every request must finish, and once it is back requests succeed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, type EmbeddedServer, openDatabase } from "@/db/embedded";
import { listProcesses } from "@/db/embedded-processes";
import { prepareDatabase } from "@/scripts/lib/prepare-database";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createApiKey } from "@/server/auth/api-keys";
import { handleAuthRequest } from "@/server/auth/handler";
import { createStaffUser } from "@/server/auth/people";
import { PEER_ADDRESS_HEADER } from "@/server/auth/request-meta";
import { eventually } from "@/test/eventually";

type Handler = (request: Request) => Promise<Response>;
interface Answer {
  endpoint: string;
  phase: Phase;
  status: number;
  retryAfter: string | null;
  kind: string;
  ms: number;
}
type Phase = "before" | "outage" | "after";

const BASE = "http://throughline.test";
/** Outage answers are fast; this only turns a hang into a readable failure instead of a timeout. */
const SETTLE_MS = 60_000;
const CLIENTS = 6;
/** Numbers every request, so each POST has an idempotency key of its own. */
let seq = 0;

const order = (i: number) => ({
  type: "order.fulfill",
  input: {
    orderId: `ord_${i}`,
    customerEmail: "outage@example.com",
    items: [{ sku: "A", quantity: 1 }],
    amountCents: 500,
  },
});

let dataDir: string;
let database: DatabaseHandle;
let server: EmbeddedServer;
let key: string;
/** A signed-in operator's session cookie: during an outage they are not "signed out". */
let cookie: string;
let routes: { post: Handler; list: Handler; trpc: Handler; health: () => Promise<Response> };
let closeServices: () => Promise<void>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "tl-outage-"));
  database = await openDatabase({
    dataDir,
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
  });
  server = database.server!;
  await prepareDatabase(database.url);
  // The web process's own pool (app/_lib/services.ts reads these, as under the launcher).
  process.env.DATABASE_URL = database.url;
  process.env.THROUGHLINE_ROLE = "web";
  process.env.THROUGHLINE_REQUEST_DEADLINE_MS = "2000";
  const operations = await import("@/app/api/v1/operations/route");
  const trpc = await import("@/app/api/trpc/[trpc]/route");
  const health = await import("@/app/api/health/route");
  const { processServices } = await import("@/app/_lib/services");
  routes = { post: operations.POST, list: operations.GET, trpc: trpc.GET, health: health.GET };
  const services = processServices();
  closeServices = async () => {
    await services.close();
    await services.db.$client.end({ timeout: 1 });
  };
  key = (
    await createApiKey({ db: services.db, name: "outage", scopes: ["operations:write", "operations:read"] })
  ).secret;
  await createStaffUser({
    db: services.db,
    email: "ops@example.com",
    name: "Ops",
    password: "correct horse battery",
    role: "operator",
    actor: SYSTEM_ACTOR,
    request: NO_REQUEST,
  });
  const signedIn = await handleAuthRequest(
    services.auth,
    new Request(`${services.authSettings.publicUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: services.authSettings.publicUrl,
        [PEER_ADDRESS_HEADER]: "127.0.0.1",
      },
      body: JSON.stringify({ email: "ops@example.com", password: "correct horse battery" }),
    }),
  );
  expect(signedIn.status).toBe(200);
  cookie = signedIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}, 120_000);

afterAll(async () => {
  for (const pid of stopped) process.kill(pid, "SIGCONT");
  await closeServices?.();
  await database?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** One request through a route handler, reduced to what the client sees. */
async function call(endpoint: string, phase: Phase, i: number): Promise<Answer> {
  const started = performance.now();
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  let response: Response;
  if (endpoint === "POST /api/v1/operations") {
    response = await routes.post(
      new Request(`${BASE}/api/v1/operations`, {
        method: "POST",
        headers: { ...headers, "idempotency-key": `outage-${phase}-${i}` },
        body: JSON.stringify(order(i)),
      }),
    );
  } else if (endpoint === "GET /api/v1/operations") {
    response = await routes.list(new Request(`${BASE}/api/v1/operations?limit=5`, { headers }));
  } else if (endpoint === "tRPC auth.me (signed in)") {
    response = await routes.trpc(new Request(`${BASE}/api/trpc/auth.me`, { headers: { cookie } }));
  } else if (endpoint === "tRPC auth.setupStatus") {
    const input = encodeURIComponent(JSON.stringify({ json: { token: "not-a-token" } }));
    response = await routes.trpc(new Request(`${BASE}/api/trpc/auth.setupStatus?input=${input}`));
  } else {
    response = await routes.health();
  }
  const body = (await response.json()) as Record<string, unknown>;
  const trpcError = (body.error as { json?: { data?: { code?: string; domain?: { type?: string } } } })?.json
    ?.data;
  const kind =
    typeof body.type === "string"
      ? body.type
      : trpcError
        ? `${trpcError.code}/${trpcError.domain?.type ?? "-"}`
        : String(body.status ?? "ok");
  return {
    endpoint,
    phase,
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    kind,
    ms: performance.now() - started,
  };
}

const ENDPOINTS = [
  "POST /api/v1/operations",
  "GET /api/v1/operations",
  "tRPC auth.setupStatus",
  "tRPC auth.me (signed in)",
  "health",
];

/** CLIENTS loops calling every endpoint in turn until `stop()`; every answer is kept. */
function load(phaseOf: () => Phase) {
  const answers: Answer[] = [];
  const failures: unknown[] = [];
  let running = true;
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (running) {
      const i = seq++;
      const endpoint = ENDPOINTS[i % ENDPOINTS.length]!;
      try {
        answers.push(await call(endpoint, phaseOf(), i));
      } catch (error) {
        failures.push(error);
      }
    }
  });
  return {
    answers,
    failures,
    /** Stops the clients and resolves once every request in flight has finished. */
    stop: async () => {
      running = false;
      return Promise.race([
        Promise.all(clients).then(() => "finished"),
        new Promise((resolve) => setTimeout(() => resolve("still hanging"), SETTLE_MS).unref()),
      ]);
    },
  };
}

const OUTAGE_ANSWERS = [
  "GET /api/v1/operations → 503 /problems/unavailable retry-after=5",
  "POST /api/v1/operations → 503 /problems/unavailable retry-after=5",
  "health → 503 unavailable retry-after=null",
  "tRPC auth.me (signed in) → 503 SERVICE_UNAVAILABLE/database_unavailable retry-after=5",
  "tRPC auth.setupStatus → 503 SERVICE_UNAVAILABLE/database_unavailable retry-after=5",
];
const byKind = (answers: Answer[]) =>
  [
    ...new Set(answers.map((a) => `${a.endpoint} → ${a.status} ${a.kind} retry-after=${a.retryAfter}`)),
  ].sort();

/**
 * Load before, during and after an outage that `breakIt` starts and `mendIt` ends: returns
 * the outage answers once every request has finished.
 */
async function underLoad(breakIt: () => Promise<void>, mendIt: () => Promise<void>): Promise<Answer[]> {
  let phase: Phase = "before";
  const running = load(() => phase);
  // Positive control: the same load succeeds while the database is up.
  await eventually(() => {
    expect(running.answers.filter((a) => a.phase === "before" && a.status === 202).length).toBeGreaterThan(3);
  });
  await breakIt();
  phase = "outage";
  await eventually(
    () => {
      for (const endpoint of ENDPOINTS) {
        const seen = running.answers.filter((a) => a.phase === "outage" && a.endpoint === endpoint);
        expect(seen.length, endpoint).toBeGreaterThanOrEqual(2);
      }
    },
    { timeoutMs: SETTLE_MS, message: "every endpoint answered twice during the outage" },
  );
  // Every request finishes: none still waits on the database.
  expect(await running.stop()).toBe("finished");
  expect(running.failures).toEqual([]);
  // Before the outage, or caught by it in flight: a success or the same 503, never a 500.
  for (const answer of running.answers.filter((a) => a.phase === "before")) {
    expect([200, 202, 503], JSON.stringify(answer)).toContain(answer.status);
  }
  await mendIt();
  await eventually(
    async () => {
      expect((await call("POST /api/v1/operations", "after", seq++)).status).toBe(202);
      expect((await call("tRPC auth.setupStatus", "after", seq++)).status).toBe(200);
      expect((await call("health", "after", seq++)).status).toBe(200);
    },
    { timeoutMs: SETTLE_MS, message: "requests succeed once PostgreSQL is back" },
  );
  return running.answers.filter((a) => a.phase === "outage");
}
/** Processes the stall test stopped (continued again in afterAll should the test fail midway). */
let stopped: number[] = [];

/** The cluster's postmaster and backends: all of them work in its folder. */
const clusterProcesses = () =>
  listProcesses()
    .filter((p) => p.cwd() === server.clusterDir)
    .map((p) => p.pid);

describe.skipIf(process.platform !== "linux")("the web process while PostgreSQL is away", () => {
  it("killed: every answer a 503 problem with Retry-After (tRPC: SERVICE_UNAVAILABLE), none hangs, then recovers", async () => {
    const outage = await underLoad(
      async () => {
        process.kill(server.pid, "SIGKILL");
        await server.exited;
      },
      () => server.restart(),
    );
    expect(byKind(outage)).toEqual(OUTAGE_ANSWERS);
  }, 180_000);

  // A stalled server accepts connections and answers nothing, so no server-side timeout can
  // fire: the request deadline (2 s here, THROUGHLINE_REQUEST_DEADLINE_MS) answers instead.
  it("stalled (SIGSTOP): the same answers once the request deadline passes, then recovers", async () => {
    const outage = await underLoad(
      async () => {
        stopped = clusterProcesses();
        expect(stopped).toContain(server.pid);
        for (const pid of stopped) process.kill(pid, "SIGSTOP");
      },
      async () => {
        for (const pid of stopped) process.kill(pid, "SIGCONT");
      },
    );
    expect(byKind(outage)).toEqual(OUTAGE_ANSWERS);
  }, 180_000);
});
