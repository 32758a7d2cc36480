import { describe, expect, it } from "vitest";
import type { Principal } from "@/server/domain/principal";
import { decide } from "./roles";

const staff = (role: "support" | "operator" | "admin"): Principal => ({
  kind: "staff",
  userId: "u",
  email: "e@x",
  role,
});
const key = (...scopes: ("operations:read" | "operations:write")[]): Principal => ({
  kind: "key",
  keyId: "k",
  prefix: "tl_x",
  scopes,
  workflowTypes: null,
});

describe("decide", () => {
  it("orders roles support < operator < admin", () => {
    expect(decide(staff("support"), { role: "operator" }).ok).toBe(false);
    expect(decide(staff("operator"), { role: "operator" }).ok).toBe(true);
    expect(decide(staff("admin"), { role: "operator" }).ok).toBe(true);
    expect(decide(staff("operator"), { role: "admin" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });

  it("lets keys through only with the gate's scope, and never through a staff-only gate", () => {
    expect(decide(key("operations:read"), { role: "support", scope: "operations:read" }).ok).toBe(true);
    expect(decide(key("operations:write"), { role: "support", scope: "operations:read" }).ok).toBe(false);
    expect(decide(key("operations:read", "operations:write"), { role: "support" }).ok).toBe(false);
  });

  it("asks anonymous callers to sign in", () => {
    expect(decide({ kind: "anonymous" }, { role: "support" })).toMatchObject({
      ok: false,
      code: "UNAUTHORIZED",
    });
  });
});
