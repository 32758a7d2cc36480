import { LRUCache } from "lru-cache";

/**
 * Password guessing limits that nobody can turn into a lockout of someone else.
 *
 * - Per account *and* address: the first `pairFreeFailures` attempts pass, then each further
 *   one must wait twice as long as the one before (1 s, 2 s, 4 s … up to `pairMaxDelayMs`).
 *   A guesser at one address slows to a crawl; the account's owner at another address is not
 *   touched by it.
 * - Per account, from addresses it has never signed in from: `accountAttemptsPerWindow` per
 *   `accountWindowMs`, so a guesser rotating through many addresses still gets few guesses.
 *   An address the account signed in from before is exempt: a correct password from there is
 *   never refused by what others did (a person on a new address may have to wait while the
 *   account is under attack: the price of bounding distributed guessing).
 * - Per address across accounts (spraying) is better-auth's own per-address limit (auth.ts).
 *
 * Every attempt counts when it starts, so concurrent guesses cannot all slip through before
 * the first failure is recorded; a successful sign-in gives its attempt back and clears its
 * pair. State is per process (a replica's memory, LRU-bounded): N web replicas give a guesser
 * at most N times the budget, the trade-off server/auth/rate-limit.ts explains.
 */
export interface SignInLimitOptions {
  pairFreeFailures: number;
  pairBaseDelayMs: number;
  pairMaxDelayMs: number;
  accountAttemptsPerWindow: number;
  accountWindowMs: number;
  maxKeys: number;
  now: () => number;
}

export const SIGN_IN_LIMIT_DEFAULTS: SignInLimitOptions = {
  pairFreeFailures: 5,
  pairBaseDelayMs: 1_000,
  pairMaxDelayMs: 15 * 60_000,
  accountAttemptsPerWindow: 30,
  accountWindowMs: 15 * 60_000,
  maxKeys: 50_000,
  now: Date.now,
};

export type SignInCheck = { ok: true } | { ok: false; retryAfterS: number };

interface Pair {
  /** Attempts since the last success (each counted as a failure until it succeeds). */
  failures: number;
  lastAt: number;
}

interface AccountWindow {
  attempts: number;
  startedAt: number;
}

export class SignInLimiter {
  private readonly options: SignInLimitOptions;
  private readonly pairs: LRUCache<string, Pair>;
  private readonly accounts: LRUCache<string, AccountWindow>;

  constructor(options: Partial<SignInLimitOptions> = {}) {
    this.options = { ...SIGN_IN_LIMIT_DEFAULTS, ...options };
    this.pairs = new LRUCache({ max: this.options.maxKeys });
    this.accounts = new LRUCache({ max: this.options.maxKeys });
  }

  /** How long a pair with `failures` counted attempts must wait after its last one. */
  delayMs(failures: number): number {
    const { pairFreeFailures, pairBaseDelayMs, pairMaxDelayMs } = this.options;
    if (failures < pairFreeFailures) return 0;
    return Math.min(pairMaxDelayMs, pairBaseDelayMs * 2 ** (failures - pairFreeFailures));
  }

  /**
   * Decides one attempt and, when it may go ahead, counts it. `isKnownAddress` is asked only
   * when the account's budget for unknown addresses is spent (it reads the database).
   */
  async attempt(
    email: string,
    address: string,
    isKnownAddress: () => Promise<boolean>,
  ): Promise<SignInCheck> {
    const pairKey = `${email}\n${address}`;
    const pairWait = this.pairWaitMs(pairKey);
    if (pairWait > 0) return { ok: false, retryAfterS: Math.ceil(pairWait / 1000) };
    const accountWait = this.accountWaitMs(email);
    if (accountWait > 0 && !(await isKnownAddress()))
      return { ok: false, retryAfterS: Math.ceil(accountWait / 1000) };
    // Read again after the await: another attempt may have been counted meanwhile.
    const again = this.pairWaitMs(pairKey);
    if (again > 0) return { ok: false, retryAfterS: Math.ceil(again / 1000) };
    const now = this.options.now();
    const pair = this.pairs.get(pairKey) ?? { failures: 0, lastAt: now };
    this.pairs.set(pairKey, { failures: pair.failures + 1, lastAt: now });
    const account = this.currentWindow(email);
    this.accounts.set(email, { ...account, attempts: account.attempts + 1 });
    return { ok: true };
  }

  /** A correct password: the pair starts afresh and the attempt is given back to the account. */
  succeeded(email: string, address: string): void {
    this.pairs.delete(`${email}\n${address}`);
    const account = this.accounts.get(email);
    if (account) this.accounts.set(email, { ...account, attempts: Math.max(0, account.attempts - 1) });
  }

  private pairWaitMs(pairKey: string): number {
    const pair = this.pairs.get(pairKey);
    if (!pair) return 0;
    return Math.max(0, pair.lastAt + this.delayMs(pair.failures) - this.options.now());
  }

  private accountWaitMs(email: string): number {
    const window = this.currentWindow(email);
    if (window.attempts < this.options.accountAttemptsPerWindow) return 0;
    return Math.max(1, window.startedAt + this.options.accountWindowMs - this.options.now());
  }

  private currentWindow(email: string): AccountWindow {
    const now = this.options.now();
    const window = this.accounts.get(email);
    if (!window || now - window.startedAt >= this.options.accountWindowMs)
      return { attempts: 0, startedAt: now };
    return window;
  }
}
