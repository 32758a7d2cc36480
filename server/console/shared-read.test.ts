import { describe, expect, it } from "vitest";
import { SharedRead } from "./shared-read";

describe("SharedRead", () => {
  it("shares one load within the ttl, and never serves a load older than a known change", async () => {
    let clock = 0;
    let loads = 0;
    const read = new SharedRead(
      async () => ++loads,
      400,
      () => clock,
    );
    expect(await read.get()).toBe(1);
    clock = 100;
    expect(await read.get()).toBe(1);
    expect(await read.get(50)).toBe(2);
    clock = 600;
    expect(await read.get()).toBe(3);
  });

  it("does not keep a failed load", async () => {
    let fail = true;
    const read = new SharedRead(async () => {
      if (fail) throw new Error("down");
      return "ok";
    }, 10_000);
    await expect(read.get()).rejects.toThrow("down");
    fail = false;
    expect(await read.get()).toBe("ok");
  });
});
