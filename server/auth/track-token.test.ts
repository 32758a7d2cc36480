import { beforeAll, describe, expect, it } from "vitest";
import { createTrackToken, verifyTrackToken } from "./track-token";

const id = "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b";

describe("track tokens", () => {
  beforeAll(() => {
    process.env.THROUGHLINE_SECRET ??= "test-secret";
  });
  it("round-trips the operation id", () => {
    expect(verifyTrackToken(createTrackToken(id))).toMatchObject({ ok: true, operationId: id });
  });
  it("refuses a tampered token", () => {
    const token = createTrackToken(id);
    const [payload, sig] = token.split(".");
    const flipped = Buffer.from(payload!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(verifyTrackToken(`${flipped.toString("base64url")}.${sig}`)).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(verifyTrackToken("garbage")).toEqual({ ok: false, reason: "invalid" });
  });
  it("refuses an expired token", () => {
    const token = createTrackToken(id, new Date("2020-01-01T00:00:00Z"), 60);
    expect(verifyTrackToken(token, new Date("2020-01-01T00:02:00Z"))).toEqual({
      ok: false,
      reason: "expired",
    });
  });
});

describe("track tokens have exactly one valid spelling (issue 15 hole 8)", () => {
  beforeAll(() => {
    process.env.THROUGHLINE_SECRET ??= "test-secret";
  });
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  /** Every other spelling of the same bytes: the last character's unused bits set differently. */
  function respellings(part: string): string[] {
    const last = part.at(-1)!;
    const same = Buffer.from(part, "base64url");
    return [...alphabet]
      .filter((c) => c !== last && Buffer.from(part.slice(0, -1) + c, "base64url").equals(same))
      .map((c) => part.slice(0, -1) + c);
  }
  it("refuses non-canonical padding bits in either part", () => {
    const token = createTrackToken(id);
    const [payload, sig] = token.split(".") as [string, string];
    const variants = [
      ...respellings(payload).map((p) => `${p}.${sig}`),
      ...respellings(sig).map((s) => `${payload}.${s}`),
    ];
    expect(variants.length).toBeGreaterThan(0);
    for (const v of variants) expect(verifyTrackToken(v)).toEqual({ ok: false, reason: "invalid" });
  });
  it("refuses extra segments, padding and characters outside base64url", () => {
    const token = createTrackToken(id);
    for (const v of [`${token}.x`, `${token}.`, `${token}=`, `${token.replace(".", "..")}`, ` ${token}`])
      expect(verifyTrackToken(v)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyTrackToken(token)).toMatchObject({ ok: true });
  });
});
