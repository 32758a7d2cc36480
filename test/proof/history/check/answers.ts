import type { HistoryEntry } from "../record";
import type { Violation } from "./facts";

const CHECK = "well_formed_answers";
/** What a refused tRPC call may say: typed codes, never an internal error. */
const TYPED = new Set([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "UNPROCESSABLE_CONTENT",
  "TOO_MANY_REQUESTS",
  "SERVICE_UNAVAILABLE",
]);

/**
 * Every answer is one a client can act on: no HTTP 5xx except a 503 with Retry-After semantics
 * (an outage), and every refused tRPC call carries a typed code (not INTERNAL_SERVER_ERROR or
 * an untyped throw).
 */
export function checkAnswers(history: HistoryEntry[]): Violation[] {
  const out: Violation[] = [];
  for (const e of history) {
    if (e.op === "effect" || e.op === "kill_worker") continue;
    const status = e.answer.status;
    if (typeof status === "number") {
      if (status >= 500 && status !== 503)
        out.push({ check: CHECK, entry: e.i, detail: `${e.op} answered ${status}` });
      continue;
    }
    if (e.answer.ok === false && !TYPED.has(String(e.answer.code))) {
      out.push({
        check: CHECK,
        entry: e.i,
        detail: `${e.op} failed untyped: ${String(e.answer.code)} ${String(e.answer.thrown)}`,
      });
    }
  }
  return out;
}
