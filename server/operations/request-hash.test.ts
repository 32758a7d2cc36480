import { describe, expect, it } from "vitest";
import { canonicalJson, requestHash } from "./request-hash";

describe("requestHash", () => {
  it("ignores key order", () => {
    expect(requestHash({ type: "t", input: { a: 1, b: { c: 2, d: 3 } } })).toBe(
      requestHash({ type: "t", input: { b: { d: 3, c: 2 }, a: 1 } }),
    );
  });
  it("changes with any field of the request", () => {
    const base = { type: "t", input: { a: 1 }, subject: "s", reference: "r" };
    const h = requestHash(base);
    expect(requestHash({ ...base, type: "u" })).not.toBe(h);
    expect(requestHash({ ...base, input: { a: 2 } })).not.toBe(h);
    expect(requestHash({ ...base, subject: "x" })).not.toBe(h);
    expect(requestHash({ ...base, reference: null })).not.toBe(h);
  });
  it("keeps array order", () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });
});

describe("canonicalJson on hostile input (issue 15 hole 3)", () => {
  it("hashes a value nested 5,000 levels deep without overflowing the stack", () => {
    let deep: unknown = 1;
    let expected = "1";
    for (let i = 0; i < 5000; i++) {
      deep = i % 2 ? { a: deep } : [deep];
      expected = i % 2 ? `{"a":${expected}}` : `[${expected}]`;
    }
    expect(canonicalJson(deep)).toBe(expected);
  });
});
