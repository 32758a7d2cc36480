import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlQueryable } from "@/db/transaction";
import type { OperationRow } from "@/server/engine/store/load";
import { WORKFLOWS } from "@/server/workflows";
import { WorkflowRegistry } from "@/server/workflows/kit/registry";
import { scriptedWorkflow } from "@/test/engine/scripted-workflow";
import { Controller, modelWorkflow } from "@/test/proof/model/workflow";
import { type HistoryFixture, readHistory } from "./read";

export const HISTORIES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../fixtures/histories",
);

/** Every workflow a stored history was recorded under: the sample ones and the test fixtures. */
export function historyRegistry(controller = new Controller()): WorkflowRegistry {
  return new WorkflowRegistry([...WORKFLOWS, scriptedWorkflow, modelWorkflow(controller)]);
}

/**
 * Reads one operation's rows and timeline from the database and writes them, with what the
 * current code reads from them, to test/fixtures/histories/<name>.json. Only the recorder
 * (test/proof/histories.record.test.ts, `npm run histories:record`) calls it.
 */
export async function recordHistory(
  sql: SqlQueryable,
  operationId: string,
  name: string,
  description: string,
): Promise<HistoryFixture> {
  // The loader's own select (server/engine/store/load.ts), kept here as the stored shape.
  const [row] = await sql<OperationRow[]>`
    select o.id, o.type, o.version, o.status, o.input, o.blocked_kind as "blockedKind",
      o.blocked_reason as "blockedReason", o.action_required as "actionRequired", o.error, o.result,
      o.current_step as "currentStep", o.created_at as "createdAt", o.updated_at::text as token,
      coalesce((
        select json_agg(json_build_object(
          'position', s.position, 'name', s.name, 'status', s.status, 'attempts', s.attempts,
          'output', s.output, 'lastError', s.last_error, 'skipReason', s.skip_reason,
          'nextAttemptAt', s.next_attempt_at, 'leaseOwner', s.lease_owner,
          'leaseLive', coalesce(s.lease_expires_at > now(), false)) order by s.position)
        from steps s where s.operation_id = o.id), '[]'::json) as steps
    from operations o where o.id = ${operationId}`;
  if (!row) throw new Error(`no operation ${operationId}`);
  const events = await sql<HistoryFixture["events"]>`
    select id::int as id, type, step, actor, data, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
    from events where operation_id = ${operationId} order by id`;
  const stored = {
    row: JSON.parse(
      JSON.stringify({ ...row, createdAt: new Date(row.createdAt).toISOString() }),
    ) as OperationRow,
    events: events.map((e) => ({ ...e })),
  };
  const fixture: HistoryFixture = {
    format: 1,
    name,
    description,
    recordedAt: new Date().toISOString(),
    ...stored,
    expected: readHistory(stored, historyRegistry()),
  };
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  return fixture;
}
