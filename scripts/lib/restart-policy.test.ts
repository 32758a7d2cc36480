import { describe, expect, it } from "vitest";
import { RestartPolicy } from "./restart-policy";

describe("RestartPolicy", () => {
  const options = { limit: 5, windowMs: 60_000, firstDelayMs: 500, maxDelayMs: 4_000 };

  it("waits longer after each crash within the window, up to the cap", () => {
    const policy = new RestartPolicy(options);
    expect([0, 1, 2, 3].map((i) => policy.afterCrash(i * 1_000)?.delayMs)).toEqual([
      500, 1_000, 2_000, 4_000,
    ]);
  });

  it("gives up at the limit-th crash within the window", () => {
    const policy = new RestartPolicy(options);
    for (let i = 0; i < 4; i++) expect(policy.afterCrash(i * 10_000)).not.toBeNull();
    expect(policy.afterCrash(40_000)).toBeNull();
  });

  it("forgets crashes older than the window, so a rare crash is always restarted promptly", () => {
    const policy = new RestartPolicy(options);
    for (let i = 0; i < 20; i++) expect(policy.afterCrash(i * 61_000)).toEqual({ crashes: 1, delayMs: 500 });
  });
});
