/** Closed sets of durable waits (server/waits), defined once: database enums and TS types. */

/**
 * What a step waits for: another system's acknowledgment (callback, API, operator), a time
 * (a durable timer), or the end user's answer to a declared form on the track page.
 */
export const WAIT_KINDS = ["acknowledgment", "timer", "end_user_action"] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

/**
 * A wait's life. `waiting` is the only open state: exactly one acknowledgment moves it on
 * (compare-and-set on this column), so the first wins and every later one is answered from
 * the row. `expired` is the deadline companion's doing; `cancelled` follows the operation
 * ending some other way (operator cancel, skip, compensation).
 */
export const WAIT_STATES = ["waiting", "completed", "expired", "cancelled"] as const;
export type WaitState = (typeof WAIT_STATES)[number];

/** How a wait was answered: success, or a failure classified like any step error. */
export const WAIT_OUTCOMES = ["succeeded", "transient", "permanent", "needs_person"] as const;
export type WaitOutcome = (typeof WAIT_OUTCOMES)[number];

export function isOpenWait(state: WaitState): boolean {
  return state === "waiting";
}
