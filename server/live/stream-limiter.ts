/**
 * How many live streams (SSE subscriptions) one process holds open, per owner. Without a cap
 * one client opened 400 anonymous track-page streams and 200 staff streams added ~180 MB
 * (issue 15, hole 9). A stream holds memory and a share of every feed read's fan-out for as
 * long as it is open, so it is counted while open (a slot), not per request like RateLimiter.
 *
 * In-process, one budget per replica, like RateLimiter: the cap bounds what a caller costs
 * one replica's memory. Anonymous streams (track pages) count against the client address
 * and against the link's operation; staff streams against the person, not the address,
 * because a whole office may share one address. Every stream counts against the process.
 */
export interface StreamLimits {
  /** Anonymous streams from one client address. */
  perAddress: number;
  /** Streams of one track link's operation, whoever opens them. */
  perLink: number;
  /** Streams of one staff member, across their tabs and devices. */
  perStaff: number;
  /** Every stream of the process. */
  total: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perAddress: 32, perLink: 8, perStaff: 12, total: 2_000 };

const ENV: Record<keyof StreamLimits, string> = {
  perAddress: "THROUGHLINE_LIVE_MAX_PER_ADDRESS",
  perLink: "THROUGHLINE_LIVE_MAX_PER_LINK",
  perStaff: "THROUGHLINE_LIVE_MAX_PER_STAFF",
  total: "THROUGHLINE_LIVE_MAX_STREAMS",
};

/** The limits from the environment; a missing or unusable value keeps its default. */
export function streamLimitsFromEnv(env: Record<string, string | undefined> = process.env): StreamLimits {
  const limits = { ...DEFAULT_STREAM_LIMITS };
  for (const key of Object.keys(ENV) as (keyof StreamLimits)[]) {
    const value = Number(env[ENV[key]]);
    if (Number.isInteger(value) && value >= 1) limits[key] = value;
  }
  return limits;
}

/** Who opens a stream: a staff member, or an anonymous holder of a track link. */
export type StreamOwner =
  | { kind: "staff"; userId: string }
  | { kind: "link"; operationId: string; address: string | null };

export type StreamScope = keyof StreamLimits;

export type StreamSlotResult =
  | { type: "opened"; release: () => void }
  | { type: "too_many_streams"; scope: StreamScope; limit: number };

export class StreamLimiter {
  private readonly open = new Map<string, number>();

  constructor(readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  /** Takes a slot for `owner`, or says which limit is full; `release` is idempotent. */
  acquire(owner: StreamOwner): StreamSlotResult {
    const keys = this.keysOf(owner);
    for (const [key, scope] of keys) {
      const limit = this.limits[scope];
      if ((this.open.get(key) ?? 0) >= limit) return { type: "too_many_streams", scope, limit };
    }
    for (const [key] of keys) this.open.set(key, (this.open.get(key) ?? 0) + 1);
    let released = false;
    return {
      type: "opened",
      release: () => {
        if (released) return;
        released = true;
        for (const [key] of keys) {
          const n = (this.open.get(key) ?? 1) - 1;
          // Only owners with a stream open are kept: the map never outgrows `total`.
          if (n <= 0) this.open.delete(key);
          else this.open.set(key, n);
        }
      },
    };
  }

  /** Streams open now in the whole process. */
  get openStreams(): number {
    return this.open.get("total") ?? 0;
  }

  private keysOf(owner: StreamOwner): [string, StreamScope][] {
    if (owner.kind === "staff")
      return [
        [`staff:${owner.userId}`, "perStaff"],
        ["total", "total"],
      ];
    // An unknown address is one bucket, so hiding the address does not escape the cap.
    return [
      [`address:${owner.address ?? "unknown"}`, "perAddress"],
      [`link:${owner.operationId}`, "perLink"],
      ["total", "total"],
    ];
  }
}
