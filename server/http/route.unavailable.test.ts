import { describe, expect, it } from "vitest";
import { route } from "./route";

/** Issue 15 hole 2 (mapping part): an unreachable database is a 503 with Retry-After, not a 500. */
describe("route() when the database is unreachable", () => {
  it("answers a 503 problem with Retry-After", async () => {
    const handler = route(async () => {
      throw new Error("Failed query", {
        cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
      });
    });
    const response = await handler();
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ type: "/problems/unavailable", status: 503 });
  });
  it("still answers 500 for any other unexpected error", async () => {
    expect(
      (
        await route(async () => {
          throw new Error("bug");
        })()
      ).status,
    ).toBe(500);
  });
});
