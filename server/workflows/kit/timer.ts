/**
 * A step that must not run before a time: a cooling-off window before charging, "ship after
 * 18:00". When the engine reaches the step it opens a timer (a `waits` row of kind `timer`
 * and a run job with `startAfter` its due time, written in one transaction): no worker and no
 * lease is held until then, the operation is `processing` and shows "Scheduled for …", and an
 * operator may "run now" (audited). The step's precondition and effect run once it is due.
 */
export interface StepTimer {
  /** Staff words, why the step waits: "the customer's cooling-off window to end". */
  waitingFor: string;
  /** What the end user reads meanwhile: "We'll take the payment after a 2-minute cooling-off window." */
  userText: string;
  /** Wait this long from the moment the step is reached. Exactly one of `delayMs` and `at`. */
  delayMs?: number;
  /**
   * Or wait until this time, from the operation's input and earlier outputs ("the next 18:00").
   * A time already past runs the step at once; one further than `maxDelayMs` is brought in to it.
   */
  at?: (ctx: { input: unknown; outputs: Record<string, unknown>; now: Date }) => Date;
  /** With `at`: the longest it may put the step off (a bug in `at` never parks an operation for years). */
  maxDelayMs?: number;
}

/** When a timer reached `now` is due. */
export function timerDueAt(
  timer: StepTimer,
  ctx: { input: unknown; outputs: Record<string, unknown>; now: Date },
): Date {
  const now = ctx.now.getTime();
  if (timer.delayMs !== undefined) return new Date(now + timer.delayMs);
  const wanted = timer.at?.(ctx).getTime() ?? now;
  const latest = now + (timer.maxDelayMs ?? 0);
  return new Date(Math.max(now, Math.min(Number.isFinite(wanted) ? wanted : now, latest)));
}

/** The stage an operation shows while a step's timer is open. */
export function scheduledStage(wakeAt: Date): string {
  return `Scheduled for ${wakeAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
