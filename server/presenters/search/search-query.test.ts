import { v7 as uuidv7 } from "uuid";
import { describe, expect, it } from "vitest";
import { escapeLike, uuidV7Floor } from "@/server/presenters/rows";
import { decodeCursor, encodeCursor, parseSearchTerm } from "./search-query";

describe("parseSearchTerm", () => {
  it("reads a whole id as an id", () => {
    expect(parseSearchTerm(" 0195F3A2-7B1C-7000-8000-00000000000A ")).toEqual({
      kind: "id",
      id: "0195f3a2-7b1c-7000-8000-00000000000a",
    });
  });

  it("reads the start of an id as an id range and as text", () => {
    const term = parseSearchTerm("0195f3a2-7b1c");
    expect(term).toMatchObject({
      kind: "text",
      idRange: { from: "0195f3a2-7b1c-0000-0000-000000000000", to: "0195f3a2-7b1c-ffff-ffff-ffffffffffff" },
    });
  });

  it("reads anything else as a reference, subject, key or error text", () => {
    expect(parseSearchTerm("ada@example.com")).toMatchObject({
      kind: "text",
      idRange: null,
      errorPattern: "%ada@example.com%",
    });
    expect(parseSearchTerm("ab")).toMatchObject({ kind: "text", errorPattern: null });
    expect(parseSearchTerm("   ")).toEqual({ kind: "none" });
    expect(escapeLike("50%_off\\")).toBe("50\\%\\_off\\\\");
  });
});

describe("time and cursors", () => {
  it("puts the floor of a millisecond below every id of that millisecond", () => {
    const at = new Date("2026-03-01T12:00:00.123Z");
    const floor = uuidV7Floor(at);
    for (let i = 0; i < 20; i++) {
      const id = uuidv7({ msecs: at.getTime() });
      expect(id >= floor).toBe(true);
      expect(id < uuidV7Floor(new Date(at.getTime() + 1))).toBe(true);
    }
  });

  it("round-trips cursors and refuses forged ones", () => {
    const c = { id: uuidv7(), at: "2026-01-01T00:00:00.000Z" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor("nonsense")).toBeNull();
    expect(decodeCursor(Buffer.from(JSON.stringify({ id: "1; drop" })).toString("base64url"))).toBeNull();
  });
});
