import { actorOf, type Principal } from "@/server/domain/principal";
import { type RateLimiter, rateLimiterFromEnv } from "./rate-limit";

/**
 * The per-caller budgets of a web process (issue 15): intake (starting operations, over HTTP and
 * tRPC) per API key or staff member, and operator actions (tRPC action and bulk mutations) per
 * staff member. Sign-in has its own limit (sign-in-limit.ts).
 *
 * Defaults are generous on purpose: they stop a runaway script or a flood, not normal work.
 * `npm run bench` drives ~1,000 starts/s from 16 clients on one key; intake allows 5,000 at once
 * and 5,000/s. People act at human speed, but the history check drives many actions from a few
 * accounts: 1,000 at once, 200/s. Both are set with `THROUGHLINE_RATE_INTAKE` and
 * `THROUGHLINE_RATE_ACTIONS` as `capacity/perSecond` (README, Settings).
 */
export interface CallerLimits {
  intake: RateLimiter;
  actions: RateLimiter;
  /** Answers to an end-user form, per track link and client address (THROUGHLINE_RATE_FORMS). */
  forms: RateLimiter;
}

export const CALLER_LIMIT_DEFAULTS = {
  intake: { capacity: 5_000, refillPerS: 5_000 },
  actions: { capacity: 1_000, refillPerS: 200 },
  // A person types an address: 5 tries at once, then one every 10 s, per link and address.
  forms: { capacity: 5, refillPerS: 0.1 },
} as const;

export function callerLimitsFromEnv(env: Partial<NodeJS.ProcessEnv> = process.env): CallerLimits {
  const vars = env as NodeJS.ProcessEnv;
  return {
    intake: rateLimiterFromEnv("intake", CALLER_LIMIT_DEFAULTS.intake, vars),
    actions: rateLimiterFromEnv("actions", CALLER_LIMIT_DEFAULTS.actions, vars),
    forms: rateLimiterFromEnv("forms", CALLER_LIMIT_DEFAULTS.forms, vars),
  };
}

/** One budget per key (its prefix), per staff member, or one shared by everyone anonymous. */
export const callerKey = (principal: Principal): string => actorOf(principal);
