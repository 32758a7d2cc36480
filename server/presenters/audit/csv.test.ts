import { describe, expect, it } from "vitest";
import { csvCell } from "./audit-csv-presenter";

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvCell('said "no", twice')).toBe('"said ""no"", twice"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(42)).toBe("42");
  });

  it("defuses reasons a spreadsheet would run as formulas", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("+1 because")).toBe("'+1 because");
    expect(csvCell("@sum")).toBe("'@sum");
  });
});
