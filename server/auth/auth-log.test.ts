import { describe, expect, it } from "vitest";
import { authLogArg } from "./auth";

describe("authLogArg", () => {
  it("keeps a database error's statement but never its parameters", () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      code: "23505",
      query: "select 1",
      parameters: ["secret-session-token"],
    });
    const err = new Error(
      'Failed query: select * from "staff_sessions" where "token" = $1\nparams: secret-session-token',
      {
        cause,
      },
    );
    const logged = JSON.stringify(authLogArg(err));
    expect(logged).not.toContain("secret-session-token");
    expect(logged).toContain("staff_sessions");
    expect(logged).toContain("23505");
  });

  it("drops objects it cannot vouch for and cuts parameters from text", () => {
    expect(authLogArg({ token: "secret-session-token" })).toBeUndefined();
    expect(authLogArg("query failed\nparams: grace@example.com")).toBe("query failed");
  });
});
