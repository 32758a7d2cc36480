import type { HistoryEntry } from "../record";
import type { AuditFact, BulkTargetFact, Violation } from "./facts";

const CHECK = "one_audit_per_action";

/**
 * The audit side of bulk actions: a confirmed bulk action (dry run + confirm, one history
 * entry with request id `h:<entry>`) has exactly one `bulk_action_started` record with that id,
 * a refused one none; then the runner acts on each target under request id `bulk:<id>`: one
 * record per target it changed (outcome `succeeded`) and none for a target it left alone.
 * Returns the request ids it explains, so the caller can flag records nobody asked for.
 */
export function checkBulkAudit(
  history: HistoryEntry[],
  byRequest: Map<string, AuditFact[]>,
  targets: BulkTargetFact[],
): { violations: Violation[]; explained: Set<string> } {
  const violations: Violation[] = [];
  const explained = new Set<string>();
  for (const e of history) {
    if (e.op !== "bulk") continue;
    const requestId = e.args.requestId as string;
    explained.add(requestId);
    const bulkId = e.args.bulkActionId as string | undefined;
    if (bulkId) explained.add(`bulk:${bulkId}`);
    const v = (detail: string, operationId?: string) =>
      violations.push({ check: CHECK, entry: e.i, operationId, detail });
    const started = (byRequest.get(requestId) ?? []).filter((a) => a.action === "bulk_action_started");
    const own = byRequest.get(requestId) ?? [];
    if (e.answer.ok !== true) {
      if (own.length > 0)
        v(`refused bulk ${e.args.action} (${String(e.answer.code)}) has ${own.length} audit record(s)`);
      if (bulkId && (byRequest.get(`bulk:${bulkId}`) ?? []).length > 0)
        v(`an unconfirmed bulk action ${bulkId} acted`);
      continue;
    }
    if (started.length !== 1 || own.length !== 1)
      v(`confirmed bulk ${bulkId} has ${own.length} record(s) of its own`);
    else if (started[0]!.bulkActionId !== bulkId)
      v(`bulk ${bulkId} was audited as ${started[0]!.bulkActionId}`);
    const records = byRequest.get(`bulk:${bulkId}`) ?? [];
    const perOp = new Map<string, number>();
    for (const r of records) {
      if (r.bulkActionId !== bulkId) v(`record ${r.seq} under bulk:${bulkId} names bulk ${r.bulkActionId}`);
      if (r.operationId) perOp.set(r.operationId, (perOp.get(r.operationId) ?? 0) + 1);
    }
    const mine = targets.filter((t) => t.bulkActionId === bulkId);
    for (const t of mine) {
      const n = perOp.get(t.operationId) ?? 0;
      const expected = t.outcome === "succeeded" ? 1 : 0;
      if (n !== expected) v(`bulk target with outcome ${t.outcome} has ${n} audit record(s)`, t.operationId);
      perOp.delete(t.operationId);
    }
    for (const [operationId] of perOp)
      v(`bulk ${bulkId} audited an operation it did not target`, operationId);
  }
  return { violations, explained };
}
