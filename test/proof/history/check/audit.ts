import { type ActionName, AUDIT_ACTION_OF } from "@/server/actions/plans";
import type { HistoryEntry } from "../record";
import { checkBulkAudit } from "./bulk-audit";
import type { AuditFact, BulkTargetFact, Violation } from "./facts";

const CHECK = "one_audit_per_action";
const OPERATOR_ACTIONS = new Set<string>([...Object.values(AUDIT_ACTION_OF), "bulk_action_started"]);

/**
 * Exactly one audit record per accepted operator action, none for a refused one. Each action
 * was sent with its own request id (`h:<entry>`), which the audit record keeps: an accepted
 * action has one record with that id, its action, operation and the seq it answered; a
 * refused one (wrong state, bad reason, a role that may not, already done) has none; and no
 * operator-action record exists that no request of the history explains.
 */
export function checkAudit(
  history: HistoryEntry[],
  audit: AuditFact[],
  targets: BulkTargetFact[],
): Violation[] {
  const out: Violation[] = [];
  const byRequest = new Map<string, AuditFact[]>();
  for (const a of audit) {
    if (!a.requestId) continue;
    const list = byRequest.get(a.requestId) ?? [];
    list.push(a);
    byRequest.set(a.requestId, list);
  }
  const bulk = checkBulkAudit(history, byRequest, targets);
  out.push(...bulk.violations);
  const explained = bulk.explained;
  for (const e of history) {
    if (e.op !== "action") continue;
    const { requestId, action, operationId } = e.args as {
      requestId: string;
      action: ActionName;
      operationId: string;
    };
    explained.add(requestId);
    const records = byRequest.get(requestId) ?? [];
    const v = (detail: string) => out.push({ check: CHECK, operationId, entry: e.i, detail });
    if (e.answer.ok === true) {
      if (records.length !== 1) {
        v(`accepted ${action} has ${records.length} audit records`);
        continue;
      }
      const [r] = records as [AuditFact];
      if (r.action !== AUDIT_ACTION_OF[action]) v(`accepted ${action} was audited as ${r.action}`);
      if (r.operationId !== operationId) v(`accepted ${action} was audited on operation ${r.operationId}`);
      if (r.seq !== e.answer.auditSeq) v(`answered audit seq ${e.answer.auditSeq}, the record is ${r.seq}`);
    } else if (records.length > 0) {
      v(`refused ${action} (${String(e.answer.code)}) has ${records.length} audit record(s)`);
    }
  }
  for (const a of audit) {
    if (!OPERATOR_ACTIONS.has(a.action)) continue;
    if (!a.requestId || !explained.has(a.requestId)) {
      out.push({
        check: CHECK,
        operationId: a.operationId ?? undefined,
        detail: `audit record ${a.seq} (${a.action}) answers no request of the history`,
      });
    }
  }
  return out;
}
