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
