/**
 * Every input anyone can send is bounded (issue 15, "every string, array and page size has a
 * maximum"): each tRPC procedure's input schema, each /api/v1 request schema and each workflow's
 * input schema is walked, and a string without a maximum length, an array without a maximum of
 * items, a number without bounds or an uncapped unknown value fails here — so a new unbounded
 * input fails the build. Inputs of mutations must also refuse unknown keys (mass assignment).
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { z as zod } from "zod";
import {
  ZIdempotencyKeySchema,
  ZListOperationsQuerySchema,
  ZStartOperationRequestSchema,
} from "@/server/operations/schemas";
import { WORKFLOWS } from "@/server/workflows";
import { unboundedInputs } from "@/test/schema-bounds";
import { appRouter } from "./_app";

type AnyProcedure = { _def: { type: "query" | "mutation" | "subscription"; inputs: z.ZodType[] } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);

const HTTP_SCHEMAS: Record<string, z.ZodType> = {
  "POST /api/v1/operations body": ZStartOperationRequestSchema,
  "POST /api/v1/operations Idempotency-Key": ZIdempotencyKeySchema,
  "GET /api/v1/operations query": ZListOperationsQuerySchema,
};

const describeIssues = (where: string, issues: { path: string; problem: string }[]) =>
  issues.map((i) => `${where} ${i.path}: ${i.problem}`);

describe("input bounds", () => {
  it("finds the app router's procedures (the walk below is not vacuous)", () => {
    expect(procedures.length).toBeGreaterThan(30);
    expect(procedures.filter(([, p]) => p._def.inputs.length > 0).length).toBeGreaterThan(25);
  });

  it("every tRPC procedure's input is bounded", () => {
    const found = procedures.flatMap(([name, p]) =>
      p._def.inputs.flatMap((schema) => describeIssues(name, unboundedInputs(schema))),
    );
    expect(found).toEqual([]);
  });

  it("every mutation's input refuses unknown keys", () => {
    const found = procedures
      .filter(([, p]) => p._def.type === "mutation")
      .flatMap(([name, p]) =>
        p._def.inputs.flatMap((schema) =>
          describeIssues(
            name,
            unboundedInputs(schema, { strict: true }).filter((i) => i.problem.includes("unknown keys")),
          ),
        ),
      );
    expect(found).toEqual([]);
  });

  it("every /api/v1 request schema and every workflow input is bounded", () => {
    const found = [
      ...Object.entries(HTTP_SCHEMAS).flatMap(([where, s]) => describeIssues(where, unboundedInputs(s))),
      ...WORKFLOWS.flatMap((w) =>
        describeIssues(`workflow ${w.type} v${w.version} input`, unboundedInputs(w.input as z.ZodType)),
      ),
    ];
    expect(found).toEqual([]);
  });

  it("the walk itself refuses what it must (a control for each rule)", () => {
    const problems = (s: z.ZodType, strict = false) => unboundedInputs(s, { strict }).map((i) => i.path);
    expect(problems(zod.object({ a: zod.string(), b: zod.string().max(3) }))).toEqual(["/a"]);
    expect(problems(zod.array(zod.string().max(1)))).toEqual(["/"]);
    expect(problems(zod.number().int().max(5))).toEqual(["/"]);
    expect(problems(zod.number().min(0).max(5))).toEqual([]);
    expect(problems(zod.record(zod.string().max(5), zod.number().min(0).max(1)))).toEqual(["/"]);
    expect(problems(zod.unknown())).toEqual(["/"]);
    expect(problems(zod.unknown().refine(() => true))).toEqual([]);
    expect(problems(zod.object({ a: zod.uuid().optional() }).strict(), true)).toEqual([]);
    expect(problems(zod.object({ a: zod.uuid() }), true)).toEqual(["/"]);
    expect(problems(zod.email())).toEqual(["/"]);
    expect(problems(zod.date())).toEqual(["/"]);
    expect(problems(zod.date().min(new Date(0)).max(new Date(1)))).toEqual([]);
  });
});
