import { describe, expect, it } from "vitest";
import { DatabaseDeadlineError, isDatabaseUnavailable, withDatabaseDeadline } from "./errors";

describe("isDatabaseUnavailable", () => {
  it("knows a connection failure from a refused query, through drizzle's cause", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "08006" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "57P01" }))).toBe(true);
    const wrapped = new Error("Failed query", {
      cause: Object.assign(new Error("t"), { code: "CONNECT_TIMEOUT" }),
    });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("dup"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("plain"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe("the web pool's own bounds", () => {
  it("count as unavailable: statement, lock and idle-in-transaction timeouts, and the request deadline", async () => {
    for (const code of ["57014", "55P03", "25P03"]) {
      expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code })), code).toBe(true);
    }
    const late = withDatabaseDeadline(new Promise(() => {}), 1);
    await expect(late).rejects.toBeInstanceOf(DatabaseDeadlineError);
    expect(isDatabaseUnavailable(await late.catch((e: unknown) => e))).toBe(true);
    await expect(withDatabaseDeadline(Promise.resolve("on time"), 60_000)).resolves.toBe("on time");
  });
});
