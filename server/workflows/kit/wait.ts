import type { z } from "zod";

/**
 * A step that starts work elsewhere and then waits for the other system's acknowledgment
 * (a carrier confirming pickup, a provider's 3-D Secure answer). The effect starts the work
 * and hands `ctx.callback.url` to the other system; once it returns, the engine opens the
 * wait (a `waits` row, server/waits) in the same transaction that ends the attempt, and no
 * worker or lease is held until an acknowledgment, a heartbeat timeout or the deadline.
 */
export interface StepWait<TAck extends z.ZodType = z.ZodType> {
  /** The outside system waited on (`carrier`), for the console, the dashboard and the row. */
  target: string;
  /** Staff words, completing "Waiting for …": "the carrier to confirm pickup". */
  waitingFor: string;
  /** What the end user reads meanwhile: "The carrier is confirming pickup of your parcel." */
  userText: string;
  /** From the moment the wait opens; past it `onDeadline` decides. */
  deadlineMs: number;
  /** When set, a heartbeat must arrive within this long of the last (or of the opening). */
  heartbeatMs?: number;
  /** The acknowledgment's payload; a payload it refuses is answered 400 and changes nothing. */
  acknowledgment: TAck;
  /**
   * At the deadline (or a missed heartbeat): block with kind `awaiting_external` and this
   * action for a person, or fail the step and compensate.
   */
  onDeadline: { block: { actionRequired: string } } | { fail: { reason: string } };
}

/** What the effect of a waiting step gets: the callback to hand to the other system. */
export interface WaitCallback {
  /** `POST` here with the acknowledgment; the token in it is the only authority it grants. */
  url: string;
  token: string;
  waitId: string;
}

/** The stage an operation shows while a step waits. */
export function waitingStage(wait: Pick<StepWait, "waitingFor">): string {
  return `Waiting for ${wait.waitingFor}`;
}
