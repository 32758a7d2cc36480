import type { StepDefinition } from "./types";

const blank = (value: unknown) => typeof value !== "string" || value.trim().length === 0;
const positive = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value > 0;
/** Longer than this is not a wait but a forgotten operation: a year. */
const LONGEST_MS = 366 * 24 * 3600_000;

/**
 * The story of a step that waits (`wait`) or is scheduled (`timer`): what it waits for in
 * staff and end-user words, a deadline (a wait without one is an operation silently stuck),
 * the acknowledgment's schema and what happens at the deadline. Part of workflows:check.
 */
export function checkWaits(step: StepDefinition): string[] {
  const problems: string[] = [];
  const wait = step.wait;
  if (wait) {
    if (blank(wait.target))
      problems.push("waits (wait) but does not name the system it waits on (wait.target)");
    if (blank(wait.waitingFor))
      problems.push('waits but does not say for what (wait.waitingFor, "the carrier to confirm pickup")');
    if (blank(wait.userText)) problems.push("waits but gives the end user no words for it (wait.userText)");
    if (!positive(wait.deadlineMs) || wait.deadlineMs > LONGEST_MS)
      problems.push("waits without a deadline (wait.deadlineMs, at most a year)");
    if (
      wait.heartbeatMs !== undefined &&
      (!positive(wait.heartbeatMs) || wait.heartbeatMs >= wait.deadlineMs)
    )
      problems.push("has a heartbeat interval that is not shorter than its deadline (wait.heartbeatMs)");
    if (typeof (wait.acknowledgment as { safeParse?: unknown } | undefined)?.safeParse !== "function")
      problems.push("waits without the schema of the acknowledgment's payload (wait.acknowledgment)");
    const onDeadline = wait.onDeadline as Partial<{
      block: { actionRequired?: string };
      fail: { reason?: string };
    }>;
    if (!onDeadline || (!onDeadline.block && !onDeadline.fail))
      problems.push("waits but does not say what happens at the deadline (wait.onDeadline: block or fail)");
    else if (onDeadline.block && blank(onDeadline.block.actionRequired))
      problems.push(
        "blocks at its deadline without the action a person must take (wait.onDeadline.block.actionRequired)",
      );
    else if (onDeadline.fail && blank(onDeadline.fail.reason))
      problems.push("fails at its deadline without a reason (wait.onDeadline.fail.reason)");
  }
  const timer = step.timer;
  if (timer) {
    if (blank(timer.waitingFor))
      problems.push("is scheduled (timer) but does not say why it waits (timer.waitingFor)");
    if (blank(timer.userText))
      problems.push("is scheduled but gives the end user no words for it (timer.userText)");
    const byDelay = timer.delayMs !== undefined;
    const byTime = timer.at !== undefined;
    if (byDelay === byTime) problems.push("is scheduled but needs exactly one of timer.delayMs and timer.at");
    if (byDelay && (!positive(timer.delayMs) || timer.delayMs! > LONGEST_MS))
      problems.push("has a timer.delayMs that is not a positive duration of at most a year");
    if (byTime && typeof timer.at !== "function") problems.push("has a timer.at that is not a function");
    if (byTime && (!positive(timer.maxDelayMs) || timer.maxDelayMs! > LONGEST_MS))
      problems.push(
        "is scheduled by time (timer.at) without the longest it may wait (timer.maxDelayMs, at most a year)",
      );
  }
  return problems;
}
