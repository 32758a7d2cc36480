import type { Registry } from "prom-client";
import type { Db } from "@/db/client";
import { OperationActionsService } from "./actions/operation-actions";
import { SandboxControlsService } from "./actions/sandbox-controls";
import { type Auth, createAuth } from "./auth/auth";
import { type CallerLimits, callerLimitsFromEnv } from "./auth/caller-limits";
import { type AuthSettings, authSettings } from "./auth/config";
import { type BulkDeps, BulkQueue } from "./bulk/queue";
import { JobProducer } from "./engine/queue";
import { RunQueue } from "./engine/run-queue";
import { LiveHub } from "./live/hub";
import { logger } from "./logger";
import { IntakeService } from "./operations/intake";
import { pauseGate } from "./operations/pause-gate";
import { StartOperationService } from "./operations/start-operation";
import { createPresenters, type Presenters } from "./presenters";
import { createProviders, type Providers } from "./providers";
import { inProcessCallbacks } from "./providers/carrier-callback";
import { FaultSettingsService } from "./providers/fault-settings";
import { BusinessMetricsPresenter } from "./telemetry/business-metrics-presenter";
import { metricsRegistry } from "./telemetry/metrics-registry";
import { EndUserActionService } from "./waits/end-user-action";
import { WaitService } from "./waits/wait-service";
import { WebhookEndpointService } from "./webhooks/endpoints";
import { registryFromEnv } from "./workflows";
import type { WorkflowRegistry } from "./workflows/kit/registry";

/** What a process's services are built from; everything but `db` has a default. */
export interface ServiceDeps {
  /** The process's pool; the caller owns it (and ends it). */
  db: Db;
  /** Lets the job queues install pg-boss's schema on first use when the launcher has not. */
  url?: string;
  registry?: WorkflowRegistry;
  /** Writes run jobs in the caller's transaction: intake, operator actions, resuming a type. */
  runs?: RunQueue;
  /** Writes bulk jobs in the confirming transaction. */
  bulkQueue?: BulkQueue;
  /** The simulated systems the sample workflows' steps call (default: the carrier calls back in-process). */
  providers?: Providers;
  /** Staff sign-in; built on first use (it needs THROUGHLINE_SECRET). */
  auth?: Auth;
  /** Sign-in and origin settings; read from the environment on first use. */
  authSettings?: AuthSettings;
  /** One LISTEN connection per process for live pages; it connects on first subscriber. */
  live?: LiveHub;
  /** Per-caller rate limits (intake, operator actions); from THROUGHLINE_RATE_* by default. */
  limits?: CallerLimits;
  now?: () => Date;
}

/** Everything one process uses, built once by createServices. */
export interface Services {
  db: Db;
  registry: WorkflowRegistry;
  runs: RunQueue;
  /** What the bulk commands (server/bulk/) need: the pool and the bulk job queue. */
  bulk: BulkDeps;
  providers: Providers;
  readonly auth: Auth;
  /** Read once per process (it derives a key): the tRPC context checks origins against it. */
  readonly authSettings: AuthSettings;
  live: LiveHub;
  /** The start use case both transports call. */
  startOperation: StartOperationService;
  /** Intake alone: recording an operation (the engine's harness and benchmarks use it). */
  intake: IntakeService;
  actions: OperationActionsService;
  faults: FaultSettingsService;
  sandbox: SandboxControlsService;
  /** Durable waits: acknowledgments, heartbeats, deadlines (server/waits). */
  waits: WaitService;
  /** Answers to a step's end-user form, by track link or by staff for the customer (server/waits). */
  endUserActions: EndUserActionService;
  /** Outbound webhook endpoints: registering, disabling, re-enabling, redelivery (server/webhooks). */
  webhooks: WebhookEndpointService;
  presenters: Presenters;
  /** In-process per-caller budgets: intake per key or person, operator actions per person. */
  limits: CallerLimits;
  /** What /api/metrics renders: business series from PostgreSQL (shared read) + this process's (on first use). */
  readonly metrics: Registry;
  /** Stops what the services started (job producers, the live hub); the pool stays the caller's. */
  close(): Promise<void>;
}

/**
 * The composition root: builds every service of one process from its dependencies, each
 * passed in or defaulted, so a test builds the real thing over its own database. The web
 * process keeps its one instance in app/_lib/services.ts; the worker builds its own.
 */
export function createServices(deps: ServiceDeps): Services {
  const { db } = deps;
  const registry = deps.registry ?? registryFromEnv();
  const now = deps.now ?? (() => new Date());
  // One pg-boss producer writes both kinds of job (it only inserts; no maintenance, no pool).
  const producer = new JobProducer({ db, url: deps.url });
  const runs = deps.runs ?? new RunQueue({ db, producer });
  const bulkQueue = deps.bulkQueue ?? new BulkQueue({ db, producer });
  const live = deps.live ?? new LiveHub({ sql: db.$client, log: (line) => logger.warn(line) });
  const intake = new IntakeService(db, registry, runs, pauseGate(db));
  const presenters = createPresenters({ db, registry, now });
  let auth = deps.auth;
  let settings = deps.authSettings;
  let metrics: Registry | undefined;
  const waits = new WaitService({ db, runs, registry, now });
  // No web to call from here by default: the carrier's pickup callback goes straight to the
  // WaitService. The worker of `npm start` passes providers with the HTTP path (scripts/worker.ts).
  const providers = deps.providers ?? createProviders({ db, callbacks: inProcessCallbacks(waits) });
  return {
    db,
    registry,
    runs,
    bulk: { db, queue: bulkQueue },
    providers,
    get authSettings() {
      settings ??= authSettings();
      return settings;
    },
    get auth() {
      auth ??= createAuth({ db, settings: this.authSettings });
      return auth;
    },
    live,
    intake,
    startOperation: new StartOperationService(intake, presenters.operation),
    actions: new OperationActionsService({ db, runs, registry, now }),
    faults: new FaultSettingsService(db),
    sandbox: new SandboxControlsService({ db, runs, registry, providers }),
    waits,
    endUserActions: new EndUserActionService({ db, runs, registry, now }),
    webhooks: new WebhookEndpointService({ db, registry }),
    presenters,
    limits: deps.limits ?? callerLimitsFromEnv(),
    get metrics() {
      metrics ??= metricsRegistry(new BusinessMetricsPresenter(db, now));
      return metrics;
    },
    async close() {
      await Promise.all([live.stop(), runs.close(), bulkQueue.close(), producer.close()]);
    },
  };
}
