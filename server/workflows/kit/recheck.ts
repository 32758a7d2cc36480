import type { RecheckSignal } from "@/server/domain/recheck";
import type { PreconditionResult, Recheck, StepDefinition } from "./types";

/** The change each signal stands for, in staff's words. */
export const RECHECK_SIGNAL_WORDS: Record<RecheckSignal, string> = {
  "warehouse.stock": "the warehouse restocks",
  "shop.orders": "the shop changes the order",
};

/** The step's recheck when this precondition result is a block that may clear by itself. */
export function recheckOf(def: StepDefinition, result: PreconditionResult): Recheck | null {
  if (result.ok || result.outcome !== "block" || !result.recheck) return null;
  return def.precondition?.recheck ?? null;
}

/** The wait before check number `check` (1 = the first after the block), never past the hand-over. */
export function nextCheckAt(recheck: Recheck, check: number, now: Date, handOverAt: Date): Date {
  const waits = recheck.everyMs;
  const wait = waits[Math.min(check - 1, waits.length - 1)] ?? recheck.handOverAfterMs;
  return new Date(Math.min(now.getTime() + wait, handOverAt.getTime()));
}

const clock = (at: Date) => `${at.toISOString().slice(11, 16)} UTC`;

/** What staff read on a block that checks again by itself: nothing yet, and when a person takes over. */
export function recheckActionText(recheck: Recheck, handOverAt: Date): string {
  const atOnce = recheck.on?.length
    ? `, at once when ${recheck.on.map((signal) => RECHECK_SIGNAL_WORDS[signal]).join(" or ")}`
    : "";
  return `Nothing yet: this is checked again by itself (on a backoff${atOnce}) and continues when the check passes. If it still fails at ${clock(handOverAt)}, it is handed to a person: ${recheck.handOverAction}`;
}
