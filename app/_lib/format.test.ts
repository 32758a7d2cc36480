import { describe, expect, it } from "vitest";
import { linesAsList } from "../_components/markdown";
import { shortId } from "./format";

describe("shortId", () => {
  it("keeps the head and the distinguishing tail of ids accepted in one burst", () => {
    const a = "01a2354d-98fb-7c41-8e2a-4b1d9c41ef01";
    const b = "01a2354d-98fb-7d02-9f13-77aa0c5b2e9c";
    expect(shortId(a)).toBe("01a2354d…41ef01");
    expect(shortId(a)).not.toBe(shortId(b));
  });
});

describe("linesAsList", () => {
  it("turns a runbook's one-instruction lines into a Markdown list", () => {
    expect(linesAsList("Check the faults.\nThen resume.")).toBe("- Check the faults.\n- Then resume.");
  });

  it("leaves one line and text that is already Markdown as it is", () => {
    expect(linesAsList("Only this.")).toBe("Only this.");
    expect(linesAsList("- a\n- b")).toBe("- a\n- b");
    expect(linesAsList("First paragraph.\n\nSecond.")).toBe("First paragraph.\n\nSecond.");
  });
});
