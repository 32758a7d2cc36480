import { describe, expect, it } from "vitest";
import { authSettings, isTrustedOrigin } from "./config";

const env = { THROUGHLINE_SECRET: "s", PORT: "3210" };

describe("auth settings", () => {
  it("trusts both loopback names on the local port and uses plain cookies there", () => {
    const s = authSettings(env);
    expect(s.publicUrl).toBe("http://localhost:3210");
    expect(s.trustedOrigins).toEqual(
      expect.arrayContaining(["http://localhost:3210", "http://127.0.0.1:3210"]),
    );
    expect(s.secureCookies).toBe(false);
  });

  it("uses Secure cookies for any other public URL", () => {
    const s = authSettings({ ...env, THROUGHLINE_PUBLIC_URL: "https://ops.example.com/" });
    expect(s.publicUrl).toBe("https://ops.example.com");
    expect(s.trustedOrigins).toEqual(["https://ops.example.com"]);
    expect(s.secureCookies).toBe(true);
    expect(authSettings({ ...env, THROUGHLINE_PUBLIC_URL: "http://ops.internal" }).secureCookies).toBe(true);
  });

  it("accepts a mutation only from a trusted Origin (or Referer when Origin is absent)", () => {
    const s = authSettings(env);
    expect(isTrustedOrigin(new Headers({ origin: "http://127.0.0.1:3210" }), s)).toBe(true);
    expect(isTrustedOrigin(new Headers({ origin: "https://evil.example" }), s)).toBe(false);
    expect(isTrustedOrigin(new Headers({ referer: "http://localhost:3210/operations/1" }), s)).toBe(true);
    expect(isTrustedOrigin(new Headers({ origin: "null", referer: "https://evil.example/" }), s)).toBe(false);
    expect(isTrustedOrigin(new Headers(), s)).toBe(false);
  });
});
