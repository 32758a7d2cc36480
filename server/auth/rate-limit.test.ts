import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows the capacity, then refuses with the seconds until a token returns", () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 2, refillPerS: 0.5, now: () => now });
    expect(limiter.take("a")).toEqual({ ok: true });
    expect(limiter.take("a")).toEqual({ ok: true });
    expect(limiter.take("a")).toEqual({ ok: false, retryAfterS: 2 });
    expect(limiter.take("b")).toEqual({ ok: true });
    now = 2000;
    expect(limiter.take("a")).toEqual({ ok: true });
    limiter.take("a");
    limiter.reset("a");
    expect(limiter.take("a")).toEqual({ ok: true });
  });
});
