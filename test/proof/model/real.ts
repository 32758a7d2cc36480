import { randomBytes } from "node:crypto";
import { performAction } from "@/server/actions/perform";
import type { ActionRequest } from "@/server/actions/plans";
import { NO_REQUEST } from "@/server/audit/write";
import type { Engine, RunResult } from "@/server/engine/engine";
import { LeaseKeeper } from "@/server/engine/leases";
import { runOperation } from "@/server/engine/runner";
import { EngineStore } from "@/server/engine/store";
import { Sweeper } from "@/server/engine/sweeper";
import type { Services } from "@/server/services";
import { TEST_OPERATOR } from "@/test/principals";
import { type Behaviour, type Controller, MODEL_STEPS, MODEL_TYPE, type UndoBehaviour } from "./workflow";

/** Long enough that no lease runs out by itself within a sequence: a kill expires it on purpose. */
const LEASE_MS = 60_000;

/** What a command sees of the real system (DB rows and the controller's ledger). */
export interface Observed {
  status: string;
  blockedKind: string | null;
  failing: boolean;
  steps: { status: string; attempts: number }[];
  running: number;
}

/**
 * The real engine, services and PostgreSQL the commands act on. Each run is a fresh worker
 * (own lease owner, own store, the real runner) that stops after one step attempt, the way a
 * paused type stops it; an attempt can be held open (slow), its worker killed (heartbeat gone,
 * lease expired), then released later (a zombie waking up), and the real sweeper recovers.
 */
export class RealSystem {
  private held: { id: string; promise: Promise<RunResult>; owner: string } | null = null;

  constructor(
    readonly services: Services,
    readonly controller: Controller,
  ) {}

  async accept(): Promise<string> {
    const r = await this.services.intake.call({
      request: { type: MODEL_TYPE, input: {} },
      caller: "key:model",
    });
    if (r.type !== "created") throw new Error(`intake refused: ${JSON.stringify(r)}`);
    return r.operationId;
  }

  private engine(): Engine {
    const { db, registry, providers, runs } = this.services;
    const owner = `model:${randomBytes(4).toString("hex")}`;
    let used = false;
    return {
      db,
      store: new EngineStore({ db, runs }),
      registry,
      providers,
      owner,
      actor: `worker:${owner}`,
      leaseMs: LEASE_MS,
      leases: new LeaseKeeper({ sql: db.$client, owner, leaseMs: LEASE_MS, log: () => {} }),
      now: () => new Date(),
      random: () => 0,
      log: () => {},
      hooks: {
        afterEffect: () => {
          used = true;
        },
      },
      runs,
      isStopping: () => false,
      // One step attempt per run: afterwards the worker acts as if the type were paused.
      isPaused: () => used,
      onRetryScheduled: () => {},
    };
  }

  /** One run by a fresh worker; with `hang`, resolves once the attempt hangs (or the run ended without it). */
  async run(id: string, b: Behaviour, undo: UndoBehaviour): Promise<RunResult | "hanging"> {
    this.controller.arm(id, b, undo);
    const engine = this.engine();
    const promise = runOperation(engine, id);
    if (b !== "hang" && b !== "lost") return promise;
    let ended = false;
    void promise.finally(() => {
      ended = true;
    });
    const entered = (async () => {
      while (!ended) {
        const gate = this.controller.gate(id);
        if (gate) return gate.entered.then(() => "hanging" as const);
        // The gate appears once the effect is entered; yield to the run until then.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return "ended" as const;
    })();
    const first = await Promise.race([promise, entered]);
    if (first === "ended") return promise;
    if (first === "hanging") this.held = { id, promise, owner: engine.owner };
    return first;
  }

  /** The held attempt's worker dies: nothing renews its lease, which has run out. */
  async kill(id: string): Promise<void> {
    await this.services.db.$client`
      update steps set lease_expires_at = now() - interval '1 second'
      where operation_id = ${id} and lease_owner = ${this.held!.owner}`;
  }

  /** The held attempt ends with `b`; resolves with how its run ended. */
  async finish(id: string, b: Behaviour): Promise<RunResult> {
    const held = this.held!;
    this.held = null;
    this.controller.gate(id)!.release(b as "ok");
    return held.promise;
  }

  /** A worker (re)starts: its sweeper takes expired leases and writes recovery jobs. */
  async restart(): Promise<void> {
    const sweeper = new Sweeper({
      db: this.services.db,
      owner: `model-sweeper:${randomBytes(3).toString("hex")}`,
      sweepMs: 60_000,
      deadSweepMs: 60_000,
      requeueAfterMs: 60_000,
      orphanSweepMs: 60_000,
      staleAfterMs: 60_000,
      runs: this.services.runs,
      log: () => {},
    });
    await sweeper.sweepLeases();
  }

  async act(id: string, request: ActionRequest): Promise<boolean> {
    const r = await performAction(this.services, {
      operationId: id,
      request,
      reason: "Model-based test action",
      principal: TEST_OPERATOR,
      requestMeta: NO_REQUEST,
    });
    return r.type === "done";
  }

  async observe(id: string): Promise<Observed> {
    const sql = this.services.db.$client;
    const [op] = await sql<{ status: string; blockedKind: string | null; failing: boolean }[]>`
      select status, blocked_kind as "blockedKind", error is not null as failing from operations where id = ${id}`;
    const steps = await sql<{ status: string; attempts: number }[]>`
      select status, attempts from steps where operation_id = ${id} order by position`;
    return {
      ...op!,
      steps: steps.map((s) => ({ status: s.status, attempts: s.attempts })),
      running: steps.filter((s) => s.status === "running").length,
    };
  }

  ledger(id: string) {
    const c = this.controller;
    return {
      invoked: MODEL_STEPS.map((s) => c.count(c.invoked, id, s)),
      applied: MODEL_STEPS.map((s) => c.count(c.applied, id, s)),
      undone: MODEL_STEPS.map((s) => c.count(c.undone, id, s)),
    };
  }

  /** Before a sequence: an attempt a failed sequence left held is let go, so nothing hangs. */
  async reset(): Promise<void> {
    if (this.held) await this.finish(this.held.id, "ok").catch(() => {});
  }
}
