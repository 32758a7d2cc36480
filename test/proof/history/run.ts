import { createDb, type Db } from "@/db/client";
import { PROVIDERS } from "@/db/schema";
import { NO_REQUEST, SYSTEM_ACTOR } from "@/server/audit/write";
import { createApiKey } from "@/server/auth/api-keys";
import { createStaffUser } from "@/server/auth/people";
import type { Principal } from "@/server/domain/principal";
import type { HookInfo } from "@/server/engine/engine";
import { type RunningWorker, startWorker } from "@/server/engine/worker";
import { operationsApi } from "@/server/http/operations-api";
import { route } from "@/server/http/route";
import { createCaller } from "@/server/routers/_app";
import { createServices } from "@/server/services";
import { createContextInner } from "@/server/trpc/context";
import { defaultRegistry } from "@/server/workflows";
import { TEST_WORKER_OPTIONS } from "@/test/engine/harness";
import { eventually } from "@/test/eventually";
import { TEST_SUPPORT } from "@/test/principals";
import { historyCompanions } from "./companions";
import { instrument } from "./instrument";
import { type PlannedRequest, planWorkload, SKUS, type Target, type WorkloadShape } from "./plan";
import { clock, HistoryRecorder } from "./record";
import { BASE, bearer, sendRequest } from "./send";
import { WorkerFleet } from "./worker-fleet";

export interface HistoryRunOptions {
  url: string;
  seed: number;
  shape: WorkloadShape;
  /** Fault injection on every sample provider (the sandbox's knobs). */
  faults: {
    latencyMs: number;
    transientErrorRate: number;
    permanentErrorRate: number;
    loseAnswerRate: number;
  };
  /** In-process workers; one of them is stopped halfway and replaced (a rolling restart). */
  workers: number;
  /**
   * A worker process (worker-process.ts) runs beside them and is SIGKILLed this many times at
   * even points of the run, a new one started each time; 0 for none. Its effects are in the
   * history too (an effect cut by the kill counts as active until the kill).
   */
  processKills: number;
  settleTimeoutMs: number;
}

export interface HistoryRun {
  history: HistoryRecorder;
  /** Wall-clock ms of each phase (under whatever else the machine runs): for the printout only. */
  phases: { setupMs: number; requestsMs: number; settleMs: number; readBackMs: number };
  db: Db;
  close(): Promise<void>;
}

/** Operators the clients act as: several, so two of them sometimes act on one operation at once. */
const OPERATOR_COUNT = 10;
/**
 * One history run: real services over a real PostgreSQL (intake through the HTTP handlers,
 * reads, operator actions through the tRPC router), real in-process workers running the sample
 * workflows with provider faults on, `shape.clients` clients sending their planned requests at
 * once. Every request and answer, and every effect a worker ran, goes into the history; then
 * the run settles (everything terminal or blocked) and reads every acknowledged operation once
 * more. The caller checks it (check/index.ts) against the database.
 */
export async function runHistory(options: HistoryRunOptions): Promise<HistoryRun> {
  const t0 = clock();
  const db = createDb(options.url, { max: 24, applicationName: "proof-history" });
  await instrument(db.$client);
  const services = createServices({ db, url: options.url });
  const history = new HistoryRecorder();
  const plan = planWorkload(options.seed, options.shape);
  const keys: string[] = [];
  for (let k = 0; k < options.shape.apiKeys; k++) {
    const created = await createApiKey({
      db,
      name: `history-${k}`,
      scopes: ["operations:write", "operations:read"],
    });
    keys.push(created.secret);
  }
  // Stock for about half of the orders: the rest block on it and wait for an operator.
  const orders = options.shape.clients * options.shape.requestsPerClient * 0.17;
  // Real staff accounts: the bulk runner re-reads who started a bulk action before acting for them.
  const operators: Principal[] = await Promise.all(
    Array.from({ length: OPERATOR_COUNT }, async (_, n): Promise<Principal> => {
      const email = `operator${n}@history.test`;
      const created = await createStaffUser({
        db,
        email,
        name: `Operator ${n}`,
        password: "history operator password",
        role: "operator",
        actor: SYSTEM_ACTOR,
        request: NO_REQUEST,
      });
      if (created.type !== "created") throw new Error(`could not create ${email}: ${created.type}`);
      return { kind: "staff", userId: created.userId, email, role: "operator" };
    }),
  );
  for (const sku of SKUS)
    await services.providers.warehouse.restock(sku, Math.ceil((orders * 2 * 0.5) / SKUS.length));
  for (const provider of PROVIDERS) await services.faults.set({ provider, ...options.faults });

  const effects = new Map<string, number>();
  const hooksOf = (worker: string) => ({
    beforeEffect: (info: HookInfo) => {
      effects.set(`${worker}|${info.operationId}|${info.step}|${info.attempt}`, clock());
    },
    afterEffect: (info: HookInfo) => {
      const key = `${worker}|${info.operationId}|${info.step}|${info.attempt}`;
      const start = effects.get(key);
      effects.delete(key);
      if (start === undefined) return;
      history.push({
        client: `worker:${worker}`,
        op: "effect",
        args: { operationId: info.operationId, step: info.step, attempt: info.attempt, worker },
        start,
        end: clock(),
        answer: {},
      });
    },
  });
  const workers: RunningWorker[] = [];
  const start = (n: number) =>
    startWorker({
      db,
      url: options.url,
      registry: defaultRegistry,
      providers: services.providers,
      companions: historyCompanions(db, services.waits),
      ...TEST_WORKER_OPTIONS,
      // The production lease: a short one expires under this load and is a takeover, not a test.
      leaseMs: 5_000,
      workerId: `history-w${n}`,
      hooks: hooksOf(`history-w${n}`),
    });
  let fleet: WorkerFleet | null = null;
  // A run that fails (a settle past its deadline) stops what it started before it throws, so
  // the failure is reported and the process ends, rather than workers running on for ever.
  const abandon = async () => {
    for (const w of workers) await w.stop().catch(() => {});
    await fleet?.stop().catch(() => {});
    await services.close().catch(() => {});
    await db.$client.end({ timeout: 5 }).catch(() => {});
  };
  try {
    workers.push(...(await Promise.all(Array.from({ length: options.workers }, (_, n) => start(n)))));

    const api = operationsApi(services);
    const http = {
      start: route((r: Request) => api.startOperation(r)),
      get: route((r: Request, id: string) => api.getOperation(r, id)),
      list: route((r: Request) => api.listOperations(r)),
    };
    const callerFor = (principal: Principal, requestId: string) =>
      createCaller(
        createContextInner({ principal, services, request: { requestId, clientAddress: "127.0.0.1" } }),
      );
    const acked: { id: string; type: string }[] = [];
    const own: { id: string; type: string }[][] = plan.map(() => []);
    // What the clients last saw of each operation (answers, reads, lists): where operators look.
    const lastSeen = new Map<string, string>();
    const typeOf = new Map<string, string>();
    const resolve = (client: number, target: Target) => {
      let list = target.scope === "own" && own[client]!.length > 0 ? own[client]! : acked;
      if (target.scope === "attention") {
        // Blocked work first (what an operator's inbox shows), else anything not seen finished.
        const blocked = acked.filter(({ id }) => lastSeen.get(id) === "blocked");
        const open = acked.filter(({ id }) => !["completed", "failed"].includes(lastSeen.get(id) ?? ""));
        if (blocked.length > 0) list = blocked;
        else if (open.length > 0) list = open;
      }
      return list.length > 0 ? list[target.index % list.length]! : null;
    };

    fleet = options.processKills > 0 ? new WorkerFleet(options.url, history) : null;
    await fleet?.start();
    let kills = 0;
    const killPoint = (k: number) => (total * k) / (options.processKills + 1);
    const t1 = clock();
    let sent = 0;
    const total = plan.reduce((n, p) => n + p.length, 0);
    let restarted = false;
    await Promise.all(
      plan.map(async (requests, client) => {
        for (const request of requests) {
          await sendRequest({
            history,
            client,
            request: request as PlannedRequest,
            keys,
            http,
            resolve,
            callerFor: (as, i) =>
              callerFor(as === "support" ? TEST_SUPPORT : operators[client % operators.length]!, `h:${i}`),
            onAck: (id, type, fresh) => {
              if (!fresh || typeOf.has(id)) return;
              typeOf.set(id, type);
              acked.push({ id, type });
              own[client]!.push({ id, type });
            },
            onSeen: (id, status) => {
              if (typeOf.has(id)) lastSeen.set(id, status);
            },
          });
          sent++;
          if (fleet && kills < options.processKills && sent >= killPoint(kills + 1)) {
            kills++;
            await fleet.kill();
          }
          if (!restarted && sent >= total / 2 && workers.length > 0) {
            // A rolling restart halfway: the first worker hands its work over, a new one joins.
            restarted = true;
            const old = workers.shift()!;
            await old.stop();
            workers.push(await start(options.workers));
          }
        }
      }),
    );

    const t2 = clock();
    await settle(db, options.settleTimeoutMs);
    const t3 = clock();
    const reader = keys[0]!;
    const seen = new Set<string>();
    for (const { id } of acked) {
      if (seen.has(id)) continue;
      seen.add(id);
      await history.record(
        "settle",
        "final_get",
        { id },
        () => http.get(new Request(`${BASE}/api/v1/operations/${id}`, { headers: bearer(reader) }), id),
        async (res) => ({
          status: res.status,
          opStatus: res.status === 200 ? (await res.json()).status : null,
        }),
      );
    }
    for (const w of workers) await w.stop();
    await fleet?.stop();
    const phases = {
      setupMs: Math.round(t1 - t0),
      requestsMs: Math.round(t2 - t1),
      settleMs: Math.round(t3 - t2),
      readBackMs: Math.round(clock() - t3),
    };
    return {
      history,
      phases,
      db,
      async close() {
        await services.close();
        await db.$client.end({ timeout: 5 });
      },
    };
  } catch (error) {
    await abandon();
    throw error;
  }
}

/** Waits until no operation is accepted or processing and no bulk action runs (blocked ones wait for a person). */
async function settle(db: Db, timeoutMs: number): Promise<void> {
  await eventually(
    async () => {
      const [row] = await db.$client<{ n: number; bulk: number }[]>`
        select (select count(*)::int from operations where status in ('accepted', 'processing')) as n,
               (select count(*)::int from bulk_actions where status = 'running') as bulk`;
      if (row!.n > 0 || row!.bulk > 0)
        throw new Error(`${row!.n} operations and ${row!.bulk} bulk actions still in flight`);
    },
    { timeoutMs, intervalMs: 200, message: "settling the history run" },
  );
}
