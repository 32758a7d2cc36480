import { describe, expect, it } from "vitest";
import { decideRetry, honourRetryAfter } from "./retry";

const policy = { maxAttempts: 4, initialDelayMs: 100, backoff: 2, maxDelayMs: 250 };

describe("decideRetry", () => {
  it("waits the initial delay after the first failure, then backs off up to the cap", () => {
    expect(decideRetry(policy, 1)).toEqual({ type: "retry", delayMs: 100 });
    expect(decideRetry(policy, 2)).toEqual({ type: "retry", delayMs: 200 });
    expect(decideRetry(policy, 3)).toEqual({ type: "retry", delayMs: 250 });
  });

  it("is exhausted at the last attempt and blocks unless the policy says fail", () => {
    expect(decideRetry(policy, 4)).toEqual({ type: "exhausted", onExhausted: "block" });
    expect(decideRetry({ ...policy, onExhausted: "fail" }, 5)).toEqual({
      type: "exhausted",
      onExhausted: "fail",
    });
  });

  it("jitter only ever shortens the wait, by at most half", () => {
    expect(decideRetry(policy, 2, 1)).toEqual({ type: "retry", delayMs: 100 });
    expect(decideRetry(policy, 2, 7)).toEqual({ type: "retry", delayMs: 100 });
  });

  it("a Retry-After lengthens the wait up to the policy's cap, never shortens it", () => {
    expect(honourRetryAfter(100, undefined, policy)).toBe(100);
    expect(honourRetryAfter(100, 180, policy)).toBe(180);
    expect(honourRetryAfter(100, 7_000, policy)).toBe(250);
    expect(honourRetryAfter(200, 0, policy)).toBe(200);
  });
});
