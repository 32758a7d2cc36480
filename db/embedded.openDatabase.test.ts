import { describe, expect, it } from "vitest";
import { DatabaseUnreachableError, openDatabase } from "./embedded";

describe("openDatabase", () => {
  it("rejects an unreachable DATABASE_URL with one plain sentence", async () => {
    const error = await openDatabase({ url: "postgres://postgres@127.0.0.1:1/x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/x /);
    expect(message).not.toContain("\n");
    // One sentence: a single terminator, at the very end.
    expect(message.match(/[.!?](\s|$)/g)).toEqual(["."]);
    expect(message.endsWith(".")).toBe(true);
  });
});
