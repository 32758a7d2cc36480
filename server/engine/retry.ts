import type { RetryPolicy } from "@/server/workflows/kit/types";

/** What to do after a transient failure of attempt number `attempt` (1-based). */
export type RetryDecision =
  | { type: "retry"; delayMs: number }
  | { type: "exhausted"; onExhausted: "block" | "fail" };

/**
 * Exponential backoff with a cap: attempt 1 failed → wait `initialDelayMs`, then ×`backoff`
 * each time, never more than `maxDelayMs`. `jitter` (0–1, injected so tests are exact)
 * spreads up to half the delay so a provider outage does not end in a thundering herd.
 */
export function decideRetry(policy: RetryPolicy, attempt: number, jitter = 0): RetryDecision {
  if (attempt >= policy.maxAttempts) return { type: "exhausted", onExhausted: policy.onExhausted ?? "block" };
  const base = policy.initialDelayMs * policy.backoff ** Math.max(0, attempt - 1);
  const capped = Math.min(base, policy.maxDelayMs);
  const spread = capped * 0.5 * Math.min(Math.max(jitter, 0), 1);
  return { type: "retry", delayMs: Math.round(capped - spread) };
}

/**
 * The delay of a retry the other system asked to come back later (`Retry-After`): at least what
 * it asked, at most the policy's cap, never less than the backoff already chose.
 */
export function honourRetryAfter(
  delayMs: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
): number {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return delayMs;
  return Math.max(delayMs, Math.min(Math.max(0, Math.round(retryAfterMs)), policy.maxDelayMs));
}
