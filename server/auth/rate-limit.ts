import { LRUCache } from "lru-cache";

/**
 * Rate limits per caller (intake, operator actions, sign-in, track-page forms), answered by
 * the transports as 429 + `Retry-After`.
 *
 * In-process, one budget per replica, on purpose: a limit exists to bound what one caller
 * costs a replica, and N replicas behind a balancer give a caller at most N × the budget —
 * acceptable for intake and actions. Sign-in lockout is keyed per account *and* address
 * (server/auth/sign-in-limit.ts), so it protects against spraying from one address; across
 * replicas an attacker gains a factor N, which the per-address budget keeps small. A
 * PostgreSQL-backed limiter would put a write on every request's path and fail exactly when
 * the database is the thing under attack; we chose not to.
 *
 * A token bucket: `capacity` requests at once, refilled at `refillPerS`. Keys are kept in an
 * LRU bounded by `maxKeys`, so a flood of distinct keys cannot grow memory without bound (an
 * evicted key starts full again, which only ever errs towards allowing).
 */
export interface RateLimitOptions {
  capacity: number;
  refillPerS: number;
  maxKeys?: number;
  now?: () => number;
}

export type RateLimitResult = { ok: true } | { ok: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    if (options.capacity < 1 || options.refillPerS <= 0)
      throw new Error("RateLimiter needs capacity ≥ 1 and refillPerS > 0");
    this.buckets = new LRUCache({ max: options.maxKeys ?? 50_000 });
    this.now = options.now ?? Date.now;
  }

  /** Takes one token for `key`; when none is left says how many seconds until one is. */
  take(key: string, cost = 1): RateLimitResult {
    const { capacity, refillPerS } = this.options;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * refillPerS);
    if (tokens >= cost) {
      this.buckets.set(key, { tokens: tokens - cost, at: now });
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((cost - tokens) / refillPerS)) };
  }

  /** Forgets `key` (a correct sign-in clears its pair's failures). */
  reset(key: string): void {
    this.buckets.delete(key);
  }
}

/** Limits from the environment: `THROUGHLINE_RATE_<NAME>=capacity/perSecond`, e.g. `120/20`. */
export function rateLimiterFromEnv(
  name: string,
  defaults: { capacity: number; refillPerS: number },
  env: NodeJS.ProcessEnv = process.env,
): RateLimiter {
  const raw = env[`THROUGHLINE_RATE_${name.toUpperCase()}`];
  const [c, r] = (raw ?? "").split("/").map(Number);
  const ok = raw && Number.isFinite(c) && Number.isFinite(r) && c! >= 1 && r! > 0;
  return new RateLimiter(ok ? { capacity: c!, refillPerS: r! } : defaults);
}
