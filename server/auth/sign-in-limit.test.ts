import { describe, expect, it } from "vitest";
import { SignInLimiter } from "./sign-in-limit";

const known = async () => true;
const unknown = async () => false;

describe("SignInLimiter", () => {
  it("lets the first failures through, then doubles the wait after each further one, up to the cap", async () => {
    let now = 0;
    const limiter = new SignInLimiter({
      pairFreeFailures: 2,
      pairBaseDelayMs: 1_000,
      pairMaxDelayMs: 8_000,
      now: () => now,
    });
    expect(await limiter.attempt("a", "1.1.1.1", unknown)).toEqual({ ok: true });
    expect(await limiter.attempt("a", "1.1.1.1", unknown)).toEqual({ ok: true });
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const refused = await limiter.attempt("a", "1.1.1.1", unknown);
      expect(refused.ok).toBe(false);
      const retryAfterS = (refused as { retryAfterS: number }).retryAfterS;
      waits.push(retryAfterS);
      now += retryAfterS * 1000;
      expect(await limiter.attempt("a", "1.1.1.1", unknown)).toEqual({ ok: true });
    }
    expect(waits).toEqual([1, 2, 4, 8, 8]);
    // Another address, and the same address for another account, are not slowed by it.
    expect(await limiter.attempt("a", "2.2.2.2", unknown)).toEqual({ ok: true });
    expect(await limiter.attempt("b", "1.1.1.1", unknown)).toEqual({ ok: true });
  });

  it("starts a pair afresh after a correct password and gives the attempt back to the account", async () => {
    const limiter = new SignInLimiter({ pairFreeFailures: 1, accountAttemptsPerWindow: 2, now: () => 0 });
    expect(await limiter.attempt("a", "1.1.1.1", unknown)).toEqual({ ok: true });
    limiter.succeeded("a", "1.1.1.1");
    expect(await limiter.attempt("a", "1.1.1.1", unknown)).toEqual({ ok: true });
    limiter.succeeded("a", "1.1.1.1");
    expect(await limiter.attempt("a", "1.1.1.2", unknown)).toEqual({ ok: true });
    expect(await limiter.attempt("a", "1.1.1.3", unknown)).toEqual({ ok: true });
    // The account's budget for unknown addresses is spent; a known address is still let in.
    expect((await limiter.attempt("a", "1.1.1.4", unknown)).ok).toBe(false);
    expect(await limiter.attempt("a", "1.1.1.1", known)).toEqual({ ok: true });
  });

  it("counts concurrent attempts before their outcome, so a burst cannot slip past the limit", async () => {
    const limiter = new SignInLimiter({ pairFreeFailures: 3, now: () => 0 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => limiter.attempt("a", "1.1.1.1", unknown)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
  });
});
