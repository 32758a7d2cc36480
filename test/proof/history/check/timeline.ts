import type { EventFact, Violation } from "./facts";
import { projection, type Snapshot } from "./replay";

const CHECK = "contiguous_timeline";
/**
 * Events that record someone knocking, not a change: intake's notes of a repeated request
 * (written without the operation's lock), and an acknowledgment refused because its wait was
 * already answered or its operation had ended — the carrier's callback may arrive twice (a dead
 * worker's owed callback is sent again by another worker's backstop, server/providers/owed-callbacks.ts)
 * or after an operator ended the order. The chaos checks allow the same (scripts/chaos/checks.ts).
 * Found by the full run: 1 of 3,226 operations, failed, its timeline ending with such a refusal.
 */
export const NOTE_EVENTS = new Set(["intake_replayed", "intake_conflict", "acknowledgment_refused"]);

/**
 * A contiguous timeline per operation: its transactions do not interleave in the log (each
 * held the operation's lock from its first write to its commit); every change of state wrote
 * its events in the same transaction and no event arrived without its change (no gap); event
 * ids grow with the commit order (no reordering); the table holds exactly the events the log
 * saw written (none lost or added later); it begins with one `accepted` and a terminal
 * status is the last thing it says. Notes (NOTE_EVENTS) change nothing: they are checked apart
 * (`notes`), only for being stored as logged.
 */
export function checkTimeline(
  operationId: string,
  snaps: Snapshot[],
  stored: EventFact[],
  notes: { logged: number[]; stored: number[] },
  finalStatus: string | undefined,
): Violation[] {
  const out: Violation[] = [];
  const v = (detail: string) => out.push({ check: CHECK, operationId, detail });
  const seenTx = new Set<string>();
  let lastSeq = -1;
  let lastEvent = -1;
  const logged: number[] = [];
  for (let i = 0; i < snaps.length; i++) {
    const snap = snaps[i]!;
    if (seenTx.has(snap.txid)) v(`transaction ${snap.txid} interleaves with another one in the log`);
    seenTx.add(snap.txid);
    if (snap.firstSeq < lastSeq) v(`transaction ${snap.txid} is out of log order`);
    lastSeq = snap.lastSeq;
    const changed = i === 0 || projection(snaps[i - 1]!.state) !== projection(snap.state);
    if (changed && snap.events.length === 0)
      v(`transaction ${snap.txid} changed the state and wrote no event`);
    if (!snap.operationRow && snap.events.length > 0)
      v(
        `transaction ${snap.txid} wrote ${snap.events.map((e) => e.type).join(",")} without the operation's row`,
      );
    for (const e of snap.events) {
      if (e.id <= lastEvent)
        v(`event ${e.id} (${e.type}) is older than event ${lastEvent} committed before it`);
      lastEvent = Math.max(lastEvent, e.id);
      logged.push(e.id);
    }
  }
  if (notes.logged.join(",") !== notes.stored.join(","))
    v(`intake notes stored [${notes.stored.join(",")}], logged [${notes.logged.join(",")}]`);
  const storedIds = stored.map((e) => e.id);
  if (storedIds.join(",") !== logged.join(",")) {
    v(`the events table holds [${storedIds.join(",")}], the log saw [${logged.join(",")}] written`);
  }
  const types = stored.map((e) => e.type);
  if (types[0] !== "accepted" || types.filter((t) => t === "accepted").length !== 1)
    v(`the timeline does not begin with exactly one accepted: ${types.join(",")}`);
  const lastState = types[types.length - 1];
  if (finalStatus === "completed" && lastState !== "completed")
    v(`completed, but the timeline ends with ${lastState}`);
  if (finalStatus === "failed" && lastState !== "failed")
    v(`failed, but the timeline ends with ${lastState}`);
  return out;
}
