import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration";

describe("formatDuration", () => {
  it("words a duration at the scale a person reads it", () => {
    expect(formatDuration(420)).toBe("420 ms");
    expect(formatDuration(3_200)).toBe("3.2 s");
    expect(formatDuration(15_000)).toBe("15 s");
    expect(formatDuration(4 * 60_000)).toBe("4 min");
    expect(formatDuration(2.5 * 3_600_000)).toBe("2.5 h");
    expect(formatDuration(36 * 3_600_000)).toBe("36 h");
    expect(formatDuration(719.3 * 3_600_000)).toBe("30 days");
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
  });
});
