import type { Sql } from "postgres";
import { sqlList } from "@/db/sql-list";
import { IN_FLIGHT_STATUSES } from "@/server/domain/statuses";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";

export interface MissingVersion {
  type: string;
  version: number;
  inFlight: number;
  /** A few of the operations, oldest first, to look at in the console. */
  sample: string[];
}

/** A deploy removed a workflow version that operations still run under. */
export class MissingWorkflowVersionError extends Error {
  override name = "MissingWorkflowVersionError";
  constructor(readonly missing: MissingVersion[]) {
    const lines = missing.map(
      (m) =>
        `  - ${m.type} v${m.version}: ${m.inFlight} operation(s) not finished, e.g. ${m.sample.join(", ")}${m.inFlight > m.sample.length ? ", …" : ""}`,
    );
    super(
      [
        "Refusing to start: operations are in flight under workflow versions this build does not have.",
        ...lines,
        "Each operation runs under the version that accepted it. Register those versions again (keep the",
        "old definition next to the new one in server/workflows/index.ts) until their operations finish.",
      ].join("\n"),
    );
  }
}

/**
 * Version pinning, checked when a worker starts: every (type, version) that an unfinished
 * operation runs under must be registered, or this worker would strand those operations.
 */
export async function findMissingVersions(options: {
  sql: Sql;
  registry: WorkflowRegistry;
}): Promise<MissingVersion[]> {
  const { sql, registry } = options;
  const inUse = await sql<{ type: string; version: number; n: number }[]>`
    select type, version, count(*)::int as n from operations
    where status in ${sql.unsafe(sqlList(IN_FLIGHT_STATUSES))}
    group by type, version`;
  const missing: MissingVersion[] = [];
  for (const row of inUse) {
    if (registry.get(row.type, row.version)) continue;
    const sample = await sql<{ id: string }[]>`
      select id from operations
      where type = ${row.type} and version = ${row.version} and status in ${sql.unsafe(sqlList(IN_FLIGHT_STATUSES))}
      order by created_at limit 5`;
    missing.push({ type: row.type, version: row.version, inFlight: row.n, sample: sample.map((s) => s.id) });
  }
  return missing;
}

export async function assertVersionsRegistered(options: {
  sql: Sql;
  registry: WorkflowRegistry;
}): Promise<void> {
  const missing = await findMissingVersions(options);
  if (missing.length > 0) throw new MissingWorkflowVersionError(missing);
}
