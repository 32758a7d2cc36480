import { collectDefaultMetrics, type MetricValue, Registry } from "prom-client";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import {
  type BusinessMetrics,
  type BusinessMetricsPresenter,
  COMPLETION_BUCKETS_S,
} from "./business-metrics-presenter";

type Labels = Record<string, string | number>;
type Kind = "counter" | "gauge" | "histogram";
interface Series {
  name: string;
  help: string;
  type: Kind;
  values: (m: BusinessMetrics) => MetricValue<string>[];
}

const v = (value: number, labels: Labels, metricName?: string): MetricValue<string> =>
  ({ value, labels, ...(metricName ? { metricName } : {}) }) as MetricValue<string>;

/**
 * Every business series, with what it reads. Labels are bounded sets only (workflow types and
 * versions of the registry, steps of their definitions, the closed sets of server/domain):
 * never an operation id. Documented one by one in docs/observability.md.
 */
const SERIES: Series[] = [
  {
    name: "throughline_operations_started_total",
    help: "Operations accepted, by workflow type and version (synthetic excluded).",
    type: "counter",
    values: (m) => sumBy(m, () => true),
  },
  {
    name: "throughline_operations_completed_total",
    help: "Operations completed, by workflow type and version.",
    type: "counter",
    values: (m) => sumBy(m, (status) => status === "completed"),
  },
  {
    name: "throughline_operations_failed_total",
    help: "Operations failed (terminal), by workflow type and version.",
    type: "counter",
    values: (m) => sumBy(m, (status) => status === "failed"),
  },
  {
    name: "throughline_operations",
    help: "Operations currently in each status, by workflow type.",
    type: "gauge",
    values: (m) => {
      const totals = new Map<string, number>();
      const types = new Set(m.operations.map((g) => g.type));
      for (const g of m.operations) add(totals, `${g.type}\u0000${g.status}`, g.count);
      // Every status of every type present, zeros included, so a drained status reads 0.
      return [...types].flatMap((type) =>
        OPERATION_STATUSES.map((status) => v(totals.get(`${type}\u0000${status}`) ?? 0, { type, status })),
      );
    },
  },
  {
    name: "throughline_operations_oldest_age_seconds",
    help: "Age since acceptance of the oldest operation still in flight, by workflow type and status.",
    type: "gauge",
    values: (m) => {
      const oldest = new Map<string, number>();
      for (const g of m.operations)
        if (g.oldestAgeS !== null) {
          const key = `${g.type}\u0000${g.status}`;
          oldest.set(key, Math.max(oldest.get(key) ?? 0, g.oldestAgeS));
        }
      return [...oldest].map(([key, age]) => {
        const [type, status] = key.split("\u0000") as [string, string];
        return v(age, { type, status });
      });
    },
  },
  {
    name: "throughline_operations_blocked",
    help: "Operations blocked now, by workflow type and block kind.",
    type: "gauge",
    values: (m) => {
      const totals = new Map<string, number>();
      for (const g of m.operations)
        if (g.status === "blocked" && g.blockedKind) add(totals, `${g.type}\u0000${g.blockedKind}`, g.count);
      return [...totals].map(([key, n]) => {
        const [type, kind] = key.split("\u0000") as [string, string];
        return v(n, { type, kind });
      });
    },
  },
  {
    name: "throughline_operation_completion_seconds",
    help: "Time from acceptance to completion of completed operations, by workflow type.",
    type: "histogram",
    values: (m) =>
      m.completion.flatMap((h) => [
        ...h.buckets.map((n, i) =>
          v(
            n,
            { type: h.type, le: COMPLETION_BUCKETS_S[i] ?? "+Inf" },
            "throughline_operation_completion_seconds_bucket",
          ),
        ),
        v(h.sumS, { type: h.type }, "throughline_operation_completion_seconds_sum"),
        v(h.count, { type: h.type }, "throughline_operation_completion_seconds_count"),
      ]),
  },
  {
    name: "throughline_step_duration_seconds",
    help: "Step duration (first start to finish) of operations accepted in the last hour, by type, step and quantile.",
    type: "gauge",
    values: (m) =>
      m.steps.flatMap((s) => [
        ...(s.p50S !== null ? [v(s.p50S, { type: s.type, step: s.step, quantile: "0.5" })] : []),
        ...(s.p95S !== null ? [v(s.p95S, { type: s.type, step: s.step, quantile: "0.95" })] : []),
      ]),
  },
  {
    name: "throughline_step_finished",
    help: "Steps finished among operations accepted in the last hour, by type and step.",
    type: "gauge",
    values: (m) => m.steps.map((s) => v(s.finished, { type: s.type, step: s.step })),
  },
  {
    name: "throughline_step_attempts",
    help: "Step attempts made for operations accepted in the last hour, by type and step.",
    type: "gauge",
    values: (m) => m.steps.map((s) => v(s.attempts, { type: s.type, step: s.step })),
  },
  {
    name: "throughline_step_retries",
    help: "Attempts beyond the first (retries) for operations accepted in the last hour, by type and step.",
    type: "gauge",
    values: (m) => m.steps.map((s) => v(s.retries, { type: s.type, step: s.step })),
  },
  {
    name: "throughline_alerts_open",
    help: "Open alerts (not resolved), by rule, workflow type and state (firing, acknowledged).",
    type: "gauge",
    values: (m) => m.alerts.map((a) => v(a.count, { rule: a.rule, type: a.type, state: a.state })),
  },
  {
    name: "throughline_synthetic_runs_total",
    help: "Finished synthetic check runs kept (retention applies), by workflow type and outcome.",
    type: "counter",
    values: (m) => m.synthetic.map((s) => v(s.count, { type: s.type, outcome: s.outcome })),
  },
  {
    name: "throughline_synthetic_last_run_seconds",
    help: "The latest finished synthetic run's time to accepted, completed and visible, by workflow type.",
    type: "gauge",
    values: (m) =>
      m.syntheticLast.flatMap((s) =>
        (
          [
            ["accepted", s.acceptedS],
            ["completed", s.completedS],
            ["visible", s.visibleS],
          ] as const
        ).flatMap(([phase, value]) => (value === null ? [] : [v(value, { type: s.type, phase })])),
      ),
  },
  {
    name: "throughline_queue_jobs",
    help: "pg-boss jobs by queue and state (queued: ready to run, deferred: waiting for their time, active).",
    type: "gauge",
    values: (m) =>
      m.queues.flatMap((q) => [
        v(q.queued, { queue: q.queue, state: "queued" }),
        v(q.deferred, { queue: q.queue, state: "deferred" }),
        v(q.active, { queue: q.queue, state: "active" }),
      ]),
  },
  {
    name: "throughline_queue_oldest_ready_seconds",
    help: "How long the oldest ready job of each queue has waited for a worker to pick it up.",
    type: "gauge",
    values: (m) =>
      m.queues.flatMap((q) => (q.oldestReadyS === null ? [] : [v(q.oldestReadyS, { queue: q.queue })])),
  },
  {
    name: "throughline_webhook_deliveries",
    help: "Webhook deliveries kept, by status (pending, delivered, dead).",
    type: "gauge",
    values: (m) => m.webhooks.map((w) => v(w.count, { status: w.status })),
  },
];

function add(map: Map<string, number>, key: string, n: number) {
  map.set(key, (map.get(key) ?? 0) + n);
}

function sumBy(m: BusinessMetrics, keep: (status: string) => boolean): MetricValue<string>[] {
  const totals = new Map<string, number>();
  for (const g of m.operations) {
    const key = `${g.type}\u0000${g.version}`;
    add(totals, key, keep(g.status) ? g.count : 0);
  }
  return [...totals].map(([key, n]) => {
    const [type, version] = key.split("\u0000") as [string, string];
    return v(n, { type, version });
  });
}

/**
 * The registry /api/metrics renders: the business series over one shared read of the presenter
 * (all series of a scrape see the same moment), plus this process's own series.
 */
export function metricsRegistry(presenter: BusinessMetricsPresenter): Registry {
  const registry = new Registry();
  for (const s of SERIES) {
    registry.registerMetric({
      name: s.name,
      help: s.help,
      type: s.type,
      get: async () => ({
        name: s.name,
        help: s.help,
        type: s.type as never,
        aggregator: "sum",
        values: s.values(await presenter.call()),
      }),
    } as never);
  }
  return Registry.merge([registry, processRegistry()]) as Registry;
}

let processMetrics: Registry | undefined;
/**
 * Event loop lag, heap, GC, CPU of this process: per process by nature, so one registry per
 * process (prom-client's default collectors keep process-wide observers; starting them once per
 * services instance would pile them up in tests). Standard names (`nodejs_*`, `process_*`),
 * which the usual Node.js dashboards expect.
 */
export function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
