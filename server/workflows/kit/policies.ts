import type { RetryPolicy } from "./types";

/** Shared retry policies, named so a workflow reads as a sentence. */
export const QUICK_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 200,
  backoff: 2,
  maxDelayMs: 2_000,
};
export const PROVIDER_RETRY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 500,
  backoff: 2,
  maxDelayMs: 10_000,
};
export const NO_RETRY: RetryPolicy = {
  maxAttempts: 1,
  initialDelayMs: 0,
  backoff: 1,
  maxDelayMs: 0,
  onExhausted: "fail",
};

/** How long one call to an outside system may take before the attempt counts as timed out. */
export const PROVIDER_TIMEOUT_MS = 10_000;
