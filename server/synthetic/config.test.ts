import { describe, expect, it } from "vitest";
import { syntheticSettings } from "./config";

describe("syntheticSettings", () => {
  it("finds the web at THROUGHLINE_SYNTHETIC_URL, else THROUGHLINE_PUBLIC_URL, else localhost:$PORT", () => {
    expect(syntheticSettings({})).toEqual({
      enabled: true,
      baseUrl: "http://localhost:3000",
      retentionMs: 7 * 86_400_000,
    });
    expect(syntheticSettings({ PORT: "3311" }).baseUrl).toBe("http://localhost:3311");
    expect(
      syntheticSettings({ PORT: "3311", THROUGHLINE_PUBLIC_URL: "https://ops.example.com/" }).baseUrl,
    ).toBe("https://ops.example.com");
    expect(
      syntheticSettings({
        THROUGHLINE_PUBLIC_URL: "https://ops.example.com",
        THROUGHLINE_SYNTHETIC_URL: "http://web:3000",
      }).baseUrl,
    ).toBe("http://web:3000");
  });

  it("turns off with THROUGHLINE_SYNTHETIC_CHECKS=off and refuses what it cannot read", () => {
    expect(syntheticSettings({ THROUGHLINE_SYNTHETIC_CHECKS: "off" }).enabled).toBe(false);
    expect(syntheticSettings({ THROUGHLINE_SYNTHETIC_RETENTION_DAYS: "0.5" }).retentionMs).toBe(43_200_000);
    expect(() => syntheticSettings({ THROUGHLINE_SYNTHETIC_CHECKS: "maybe" })).toThrow(
      /must be "on" or "off"/,
    );
    expect(() => syntheticSettings({ THROUGHLINE_SYNTHETIC_RETENTION_DAYS: "-1" })).toThrow(
      /positive number of days/,
    );
    expect(() => syntheticSettings({ THROUGHLINE_SYNTHETIC_URL: "not a url" })).toThrow();
  });
});
