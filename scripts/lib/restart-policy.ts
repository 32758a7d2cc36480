/**
 * When a supervised service that crashed is started again: after a pause that doubles with
 * each crash in the last minute, and not at all once it has crashed `limit` times within
 * that minute (something is wrong that a restart will not fix).
 */
export interface RestartPolicyOptions {
  limit: number;
  windowMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  limit: 5,
  windowMs: 60_000,
  firstDelayMs: 500,
  maxDelayMs: 8_000,
};

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Records a crash at `now`: how long to wait before the restart, or null to give up. */
  afterCrash(now: number): { crashes: number; delayMs: number } | null {
    this.crashes = [...this.crashes.filter((at) => now - at < this.options.windowMs), now];
    const crashes = this.crashes.length;
    if (crashes >= this.options.limit) return null;
    const delayMs = Math.min(this.options.firstDelayMs * 2 ** (crashes - 1), this.options.maxDelayMs);
    return { crashes, delayMs };
  }
}
