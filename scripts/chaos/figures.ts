import type { Sql } from "postgres";
import type { OutageWindow } from "./client-checks";
import type { Fleet } from "./fleet";
import type { Load } from "./load";

/** What the run did, as label and value rows: the first table it prints. */
export async function collectFigures(
  cluster: { sql: Sql },
  load: Load,
  fleet: Fleet,
  t: {
    startedAt: number;
    readyAt: number;
    loadEndedAt: number;
    settledAt: number;
    restarted: number;
    window: OutageWindow | null;
  },
): Promise<[string, string | number][]> {
  const statuses = await cluster.sql<{ status: string; n: number }[]>`
    select status::text as status, count(*)::int as n from operations group by status order by status`;
  const byVersion = await cluster.sql<{ type: string; version: number; n: number }[]>`
    select type, version, count(*)::int as n from operations group by type, version order by type, version`;
  const acked = new Set(load.acks.map((a) => a.id));
  const [{ n: unseen } = { n: 0 }] = await cluster.sql<{ n: number }[]>`
    select count(*)::int as n from operations where not (id = any(${[...acked]}::uuid[]))`;
  const retried = load.acks.filter((a) => a.attempts > 1).length;
  const [{ n: workerLost } = { n: 0 }] = await cluster.sql<{ n: number }[]>`
    select count(*)::int as n from events where type = 'attempt_failed' and data->>'code' = 'worker_lost'`;
  const w = t.window;
  const outageAnswers = w ? load.answers.filter((a) => a.doneAt >= w.downAt && a.doneAt <= w.upAt) : [];
  const slowest = Math.max(0, ...outageAnswers.map((a) => a.doneAt - a.sentAt));
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    ["operations acknowledged (2xx)", load.acks.length],
    ["  of which after a retry (same Idempotency-Key)", retried],
    ["operations in the database never acknowledged to the client", unseen],
    ...statuses.map(({ status, n }): [string, number] => [`operations ${status}`, n]),
    ...byVersion.map(({ type, version, n }): [string, number] => [`  ${type} v${version}`, n]),
    ["answers recorded", load.answers.length],
    ["worker SIGKILLs", fleet.counts.kills],
    ["worker starts", fleet.counts.workerStarts],
    ["web starts", fleet.counts.webStarts],
    [
      "workers / webs replaced by the rolling restart",
      `${fleet.counts.workersRolled} / ${fleet.counts.websRolled}`,
    ],
    ["PostgreSQL restarts", t.restarted],
    ["PostgreSQL down for", seconds(w ? w.upAt - w.downAt : 0)],
    ["slowest answer while it was down", seconds(slowest)],
    ["step attempts recovered from a lost worker (worker_lost)", workerLost],
    ["running processes that exited on their own", fleet.counts.crashes.length],
    ...fleet.counts.crashes.map((c): [string, string] => ["  ", c]),
    ["process starts that failed (database down)", fleet.counts.failedStarts],
    ["start-up (cluster, web, workers)", seconds(t.readyAt - t.startedAt)],
    ["load", seconds(t.loadEndedAt - t.readyAt)],
    ["settling", seconds(t.settledAt - t.loadEndedAt)],
    ["whole run", seconds(Date.now() - t.startedAt)],
  ];
}
