import { describe, expect, it } from "vitest";
import { jsonFits } from "./json-size";

describe("jsonFits", () => {
  it("agrees with JSON.stringify's length on plain values, within its budget", () => {
    for (const value of [{ a: [1, "two", null, true] }, "x".repeat(50), [[[]]], { k: { l: "m" } }]) {
      const length = JSON.stringify(value).length;
      expect(jsonFits(value, length)).toBe(true);
      expect(jsonFits(value, Math.floor(length / 2))).toBe(false);
    }
  });

  it("measures a value nested 100,000 deep without overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(jsonFits(deep, 1_000)).toBe(false);
    expect(jsonFits(deep, 1_000_000)).toBe(true);
  });
});
