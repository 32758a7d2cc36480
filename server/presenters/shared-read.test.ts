import { describe, expect, it } from "vitest";
import { SharedRead } from "./shared-read";

describe("SharedRead", () => {
  it("shares one load within the ttl, and never serves a load older than a known change", async () => {
    let clock = 0;
    let loads = 0;
    const read = new SharedRead(
      async () => ({ n: ++loads }),
      400,
      () => clock,
    );
    expect(await read.call()).toEqual({ n: 1 });
    clock = 100;
    expect(await read.call()).toEqual({ n: 1 });
    expect(await read.call(50)).toEqual({ n: 2 });
    clock = 600;
    expect(await read.call()).toEqual({ n: 3 });
  });

  it("lets concurrent callers share the load in flight", async () => {
    let loads = 0;
    const read = new SharedRead(async () => ({ n: ++loads }), 10_000);
    const answers = await Promise.all([read.call(), read.call(), read.call()]);
    expect(answers).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
  });

  it("does not keep a failed load", async () => {
    let fail = true;
    const read = new SharedRead(async () => {
      if (fail) throw new Error("down");
      return { ok: true };
    }, 10_000);
    await expect(read.call()).rejects.toThrow("down");
    fail = false;
    expect(await read.call()).toEqual({ ok: true });
  });
});

describe("SharedRead by key", () => {
  it("shares one load per key, each kept and refreshed on its own", async () => {
    const loads: string[] = [];
    const read = new SharedRead(
      async (key: string) => {
        loads.push(key);
        return { key, n: loads.length };
      },
      10_000,
      undefined,
      10,
    );
    const answers = await Promise.all([read.call(0, "a"), read.call(0, "b"), read.call(0, "a")]);
    expect(answers).toEqual([
      { key: "a", n: 1 },
      { key: "b", n: 2 },
      { key: "a", n: 1 },
    ]);
    expect(loads).toEqual(["a", "b"]);
  });
});
