import fc from "fast-check";
import type { z } from "zod";
import { hostileValue } from "./hostile";

/**
 * A fast-check arbitrary built from a zod (v4) schema's definition: values the schema accepts
 * (so calls get past validation and reach the core), values at and just past each bound, and —
 * at every field, with `hostileWeight` — a hostile value or an extra key in its place. Known
 * field names draw from `pools` (real operation ids, step names, a good reason) so actions can
 * find what they act on. Dates stay Dates: the fuzz sends them through superjson.
 */
export type Pools = Record<string, readonly unknown[]>;

type Def = {
  type: string;
  checks?: {
    _zod: { def: { check: string; maximum?: number; minimum?: number; value?: number; length?: number } };
  }[];
  format?: string;
  [key: string]: unknown;
};
const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;

function bounds(def: Def) {
  let min: number | undefined;
  let max: number | undefined;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === "max_length") max = d.maximum;
    if (d.check === "min_length") min = d.minimum;
    if (d.check === "length_equals") min = max = d.length;
    if (d.check === "less_than") max = d.value;
    if (d.check === "greater_than") min = d.value;
  }
  return { min, max };
}

const isInt = (def: Def) => (def.checks ?? []).some((c) => c._zod.def.check === "number_format");

export function arbitraryFor(
  schema: z.ZodType,
  options: { pools?: Pools; hostileWeight?: number } = {},
): fc.Arbitrary<unknown> {
  const pools = options.pools ?? {};
  const weight = options.hostileWeight ?? 1;
  const mix = (valid: fc.Arbitrary<unknown>) =>
    weight > 0 ? fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: hostileValue, weight }) : valid;

  const build = (node: unknown, name: string, depth: number): fc.Arbitrary<unknown> => {
    const def = defOf(node);
    const pool = pools[name];
    const pooled = (valid: fc.Arbitrary<unknown>) =>
      pool && pool.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 3 }, valid) : valid;
    if (depth > 6) return fc.constant(null);
    switch (def.type) {
      case "string": {
        if (def.format === "uuid" || def.format === "guid") return pooled(fc.uuid());
        if (def.format === "email") return pooled(fc.emailAddress());
        const { min = 0, max = 200 } = bounds(def);
        return pooled(
          fc.oneof(
            { arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, 60) }), weight: 4 },
            fc.constantFrom("x".repeat(max), "x".repeat(max + 1), "x".repeat(Math.max(0, min - 1))),
          ),
        );
      }
      case "number": {
        const { min = -1e6, max = 1e6 } = bounds(def);
        const lo = Math.max(min, -Number.MAX_SAFE_INTEGER);
        const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
        const inside = isInt(def)
          ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })
          : fc.double({ min: lo, max: hi, noNaN: true });
        return pooled(fc.oneof({ arbitrary: inside, weight: 4 }, fc.constantFrom(lo - 1, hi + 1, lo, hi)));
      }
      case "boolean":
        return fc.boolean();
      case "date":
        return fc.date({ noInvalidDate: false });
      case "enum":
        return pooled(fc.constantFrom(...Object.values(def.entries as Record<string, unknown>)));
      case "literal":
        return fc.constantFrom(...(def.values as unknown[]));
      case "null":
        return fc.constant(null);
      case "array": {
        const { min = 0, max = 10 } = bounds(def);
        return fc.array(mix(build(def.element, name, depth + 1)), {
          minLength: min,
          maxLength: Math.min(max + 1, 12),
        });
      }
      case "object": {
        const shape = def.shape as Record<string, unknown>;
        const record = fc.record(
          Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, mix(build(v, k, depth + 1))])),
          { requiredKeys: Object.keys(shape).filter((k) => !isOptional(shape[k])) },
        );
        // Sometimes a key the schema does not know (mass assignment), sometimes a required one missing.
        return fc.oneof(
          { arbitrary: record, weight: 8 },
          fc
            .tuple(record, fc.constantFrom("role", "status", "__proto__", "id", "admin"), hostileValue)
            .map(([r, k, v]) => ({ ...(r as object), [k]: v })),
          fc.record(Object.fromEntries(Object.keys(shape).map((k) => [k, hostileValue])), {
            requiredKeys: [],
          }),
        );
      }
      case "record":
        return pooled(
          fc.dictionary(
            build(def.keyType, "", depth + 1) as fc.Arbitrary<string>,
            build(def.valueType, "", depth + 1),
            { maxKeys: 5 },
          ),
        );
      case "optional":
        return fc.option(build(def.innerType, name, depth), { nil: undefined, freq: 3 });
      case "nullable":
        return fc.option(build(def.innerType, name, depth), { nil: null, freq: 3 });
      case "default":
      case "prefault":
        return fc.option(build(def.innerType, name, depth), { nil: undefined, freq: 3 });
      case "nonoptional":
      case "readonly":
      case "catch":
        return build(def.innerType, name, depth);
      case "pipe":
        return build(def.in, name, depth);
      case "union":
        return fc.oneof(...(def.options as unknown[]).map((o) => build(o, name, depth + 1)));
      case "unknown":
      case "any":
        return pooled(fc.jsonValue({ maxDepth: 3 }));
      default:
        return hostileValue;
    }
  };
  return build(schema, "", 0);
}

function isOptional(schema: unknown): boolean {
  const type = defOf(schema).type;
  return type === "optional" || type === "default" || type === "prefault";
}
