import type { Db } from "@/db/client";
import { parseBlockCause } from "@/server/presenters/inbox/block-cause";
import { BlockedCauseOperationsPresenter } from "@/server/presenters/inbox/blocked-cause-operations-presenter";
import { BlockedCausesPresenter } from "@/server/presenters/inbox/blocked-causes-presenter";
import { type figuresOf, spreadFigures } from "./figures";

const RUNS = Number(process.env.BENCH_INBOX_RUNS ?? 20);
const INCIDENT = 87;

/**
 * The operator inbox by cause over the console bench's operations (part of its console
 * section): an incident of 87 orders blocked on one payment fault is added among the seeded
 * blocks, then the inbox's grouping (BlockedCausesPresenter, read by every dashboard) and one
 * group's list (BlockedCauseOperationsPresenter: count, first/last seen, first page) are
 * timed, and the plan checked to use operations_blocked_cause_idx.
 */
export async function benchInbox(
  db: Db,
  total: number,
  add: ReturnType<typeof figuresOf>["add"],
): Promise<void> {
  const sql = db.$client;
  await sql`
    update operations set status = 'blocked', blocked_kind = 'retries_exhausted', current_step = 'charge_payment',
      blocked_reason = 'Retries exhausted after 5 attempts of "Charge payment": payments is temporarily unavailable (injected fault) for ' || reference,
      action_required = 'Fix the cause, then resume the operation.', updated_at = now(), completed_at = null
    where id in (select id from operations where type = 'order.fulfill' and status = 'completed' limit ${INCIDENT})`;
  await sql`analyze operations`;
  const [{ n: blocked } = { n: 0 }] = await sql<{ n: number }[]>`
    select count(*)::int as n from operations where status = 'blocked'`;
  const causes = new BlockedCausesPresenter(db);
  const list = new BlockedCauseOperationsPresenter(db);
  const groupTimes: number[] = [];
  let groups = 0;
  let incident: { cause: string; type: string } | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const read = await causes.call();
    groupTimes.push(performance.now() - t0);
    groups = read.groups.length;
    incident = read.groups.find((g) => g.count === INCIDENT);
  }
  const cause = incident ? parseBlockCause(incident.cause) : null;
  if (!incident || !cause) throw new Error("bench inbox: the incident's group was not found");
  const listTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await list.call({ type: incident.type, cause });
    listTimes.push(performance.now() - t0);
  }
  const plan = (
    await sql.unsafe<{ "QUERY PLAN": string }[]>(
      `explain select count(*) from operations where status = 'blocked' and blocked_kind = 'retries_exhausted'
        and current_step = 'charge_payment' and type = 'order.fulfill'
        and block_signature = '${cause.signature}'`,
    )
  )
    .map((r) => r["QUERY PLAN"])
    .join(" ");
  const name = `inbox at ${total.toLocaleString("en")} operations (${blocked.toLocaleString("en")} blocked, ${groups} causes)`;
  spreadFigures(add, `${name}: group by cause (BlockedCausesPresenter, every dashboard)`, groupTimes, "ms", {
    p95: "< 50 ms",
  });
  spreadFigures(
    add,
    `${name}: one group's list of ${INCIDENT} (count, first/last seen, first page)`,
    listTimes,
    "ms",
    {
      p95: "< 20 ms",
    },
  );
  add(
    `${name}: one group's list uses operations_blocked_cause_idx`,
    plan.includes("operations_blocked_cause_idx") ? 1 : 0,
    "yes=1",
    {
      target: "1",
    },
  );
}
