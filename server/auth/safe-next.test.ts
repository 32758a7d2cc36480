import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

describe("safeNext (issue 15 hole 1: open redirect after sign-in)", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeNext("/operations?status=blocked#top")).toBe("/operations?status=blocked#top");
    expect(safeNext(["/alerts", "/x"])).toBe("/alerts");
  });
  it.each([
    "/\\evil.example/",
    "/%5Cevil.example/",
    "\\\\evil.example",
    "//evil.example",
    "/\t/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "",
  ])("sends %j home instead of off-site", (value) => {
    // What the page receives after Next decodes the query: %5C arrives as a backslash.
    expect(safeNext(decodeURIComponent(value))).toBe("/");
    // Undecoded, whatever comes back resolves on the console's origin.
    const base = "https://console.example";
    expect(new URL(safeNext(value), base).origin).toBe(base);
  });
  it("sends nothing at all home", () => {
    expect(safeNext(undefined)).toBe("/");
  });
});
