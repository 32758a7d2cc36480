import { describe, expect, it } from "vitest";
import { parseLaunchOptions } from "./options";

describe("parseLaunchOptions", () => {
  it("runs web and worker in production on port 3000 by default", () => {
    expect(parseLaunchOptions([], {})).toEqual({
      mode: "prod",
      roles: ["web", "worker"],
      port: 3000,
      buildOnly: false,
    });
  });

  it("reads --dev, --only and PORT", () => {
    expect(parseLaunchOptions(["--dev"], { PORT: "4000" })).toEqual({
      mode: "dev",
      roles: ["web", "worker"],
      port: 4000,
      buildOnly: false,
    });
    expect(parseLaunchOptions(["--build-only"], {}).buildOnly).toBe(true);
    expect(parseLaunchOptions(["--only", "worker"], {}).roles).toEqual(["worker"]);
    expect(parseLaunchOptions(["--only=web"], {}).roles).toEqual(["web"]);
  });

  it("rejects an unknown role, an unknown flag and a bad port", () => {
    expect(() => parseLaunchOptions(["--only", "db"], {})).toThrow(/--only must be web or worker/);
    expect(() => parseLaunchOptions(["--prod"], {})).toThrow();
    expect(() => parseLaunchOptions([], { PORT: "http" })).toThrow(/PORT/);
  });
});
