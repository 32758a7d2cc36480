import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_SCHEMA_FILE, clientSchemaText } from "@/scripts/lib/client-schema";
import { PROBLEMS } from "@/server/http/problem";
import { PROBLEM_TYPES } from "./errors";

describe("the typed client cannot drift from the OpenAPI document", () => {
  it("the committed client/schema.d.ts is what openapi-typescript makes of the document (npm run client:generate)", async () => {
    expect(readFileSync(CLIENT_SCHEMA_FILE, "utf8")).toBe(await clientSchemaText());
  });

  it("knows every problem type the server answers with", () => {
    expect([...PROBLEM_TYPES].sort()).toEqual(Object.keys(PROBLEMS).sort());
  });

  it("imports nothing from the server at runtime: only openapi-fetch and its own files", () => {
    const dir = import.meta.dirname;
    const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    const imported = sources.flatMap((file) =>
      [...readFileSync(path.join(dir, file), "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)]
        .filter((m) => !/^(?:import|export)\s+type\b/.test(m[0]))
        .map((m) => m[1]),
    );
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((spec) => spec !== "openapi-fetch" && !spec?.startsWith("./"))).toEqual([]);
  });
});
