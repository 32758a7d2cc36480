/**
 * The most calls one tRPC batch may carry (issue 15: batches are capped). The fetch adapter refuses
 * a larger batch with a typed BAD_REQUEST before any procedure runs; the browser's batch link splits
 * at the same number, so the console never sends one. Without a cap one request could carry
 * thousands of calls, each with its own database work, past every per-request limit.
 */
export const MAX_TRPC_BATCH = 25;
