import { describe, expect, it } from "vitest";
import { eventually } from "./eventually";

describe("eventually", () => {
  it("retries until the function stops throwing and resolves with its value", async () => {
    let tries = 0;
    const value = await eventually(
      () => {
        tries++;
        expect(tries).toBe(3);
        return "done";
      },
      { intervalMs: 1 },
    );
    expect(value).toBe("done");
    expect(tries).toBe(3);
  });

  it("counts a returned false or undefined as done: only a throw means not yet", async () => {
    expect(await eventually(() => false)).toBe(false);
    expect(await eventually(async () => undefined)).toBeUndefined();
  });

  it("past the deadline rejects with the last error, saying what was awaited", async () => {
    let tries = 0;
    const failure = await eventually(
      () => {
        tries++;
        throw new Error(`not yet (${tries})`);
      },
      { timeoutMs: 50, intervalMs: 5, message: "the row" },
    ).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      new RegExp(`^the row after 50 ms \\(${tries} tries\\): not yet \\(${tries}\\)$`),
    );
  });

  it("keeps an assertion's expected and actual values", async () => {
    const failure = await eventually(() => expect(1).toBe(2), { timeoutMs: 10 }).catch((e) => e);
    expect(failure).toMatchObject({ expected: 2, actual: 1 });
    expect(failure.message).toMatch(/^still failing after 10 ms \(\d+ tries\): expected 1 to be 2/);
  });
});
