import { isTerminal, type OperationStatus } from "@/server/domain/statuses";
import type { HistoryEntry } from "../record";
import type { OperationFact, Violation } from "./facts";

const CHECK = "acknowledged_readable";

/**
 * Every acknowledged id is readable and settled: each 2xx answer to a start named an
 * operation that exists, that a final GET after settling read (200) as terminal or blocked,
 * and that the database holds as the same. One key, one operation: every 2xx answer for an
 * (API key, Idempotency-Key) pair names the same id and the database has one row for it; a
 * conflict (422) or a concurrent duplicate (409) created nothing. No operation exists that
 * no answer acknowledged (in process, no answer is lost on the way).
 */
export function checkAcknowledged(history: HistoryEntry[], operations: OperationFact[]): Violation[] {
  const out: Violation[] = [];
  const rows = new Map(operations.map((o) => [o.id, o]));
  const finals = new Map<string, HistoryEntry>();
  for (const e of history) if (e.op === "final_get") finals.set(e.args.id as string, e);
  const acked = new Set<string>();
  const byKey = new Map<string, string>();
  for (const e of history) {
    if (e.op !== "start" && e.op !== "start_conflict") continue;
    const status = e.answer.status as number;
    const id = e.answer.id as string | undefined;
    const v = (detail: string) => out.push({ check: CHECK, operationId: id, entry: e.i, detail });
    if (status < 200 || status > 299) continue;
    if (e.op === "start_conflict") v(`a conflicting request was answered ${status}`);
    if (!id) {
      v(`answered ${status} without an id`);
      continue;
    }
    acked.add(id);
    const key = e.args.key as string | null;
    if (key !== null) {
      const pair = `${e.args.apiKey}\u0000${key}`;
      const first = byKey.get(pair);
      if (first && first !== id) v(`key ${key} answered ${id}, earlier ${first}`);
      byKey.set(pair, first ?? id);
    }
  }
  for (const id of acked) {
    const row = rows.get(id);
    const final = finals.get(id);
    const v = (detail: string) => out.push({ check: CHECK, operationId: id, detail });
    if (!row) v("acknowledged, but not in the database");
    else if (!settled(row.status)) v(`still ${row.status} after settling`);
    if (!final) v("never read after settling");
    else if (final.answer.status !== 200) v(`GET after settling answered ${final.answer.status}`);
    else if (!settled(final.answer.opStatus as string)) v(`GET after settling read ${final.answer.opStatus}`);
  }
  for (const o of operations) {
    if (!acked.has(o.id))
      out.push({ check: CHECK, operationId: o.id, detail: "exists, but no answer acknowledged it" });
  }
  const perKey = new Map<string, number>();
  for (const o of operations) {
    if (o.idempotencyKey === null) continue;
    const pair = `${o.submittedBy}\u0000${o.idempotencyKey}`;
    perKey.set(pair, (perKey.get(pair) ?? 0) + 1);
  }
  for (const [pair, n] of perKey) {
    if (n > 1)
      out.push({ check: CHECK, detail: `${n} operations for one key ${pair.replace("\u0000", " / ")}` });
  }
  return out;
}

const settled = (status: string) => status === "blocked" || isTerminal(status as OperationStatus);
