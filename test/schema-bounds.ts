import type { z } from "zod";

/**
 * Walks a zod (v4) schema's definition and lists every place an input is unbounded: a string
 * without a maximum length, an array without a maximum of items, a number without both a lower
 * and an upper bound, a record or an unknown value without a refinement that caps it, a map or
 * a set. With `strict`, also every object that silently accepts unknown keys (mass assignment).
 *
 * Reads `_zod.def` because that is where zod v4 keeps what a schema checks; z.toJSONSchema
 * loses dates and refinements, which this needs to tell apart.
 */
export interface BoundIssue {
  path: string;
  problem: string;
}

type Def = {
  type: string;
  checks?: { _zod: { def: { check: string; format?: string } } }[];
  format?: string;
  [key: string]: unknown;
};
const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;
const checks = (def: Def) => new Set((def.checks ?? []).map((c) => c._zod.def.check));

/** String formats whose own pattern fixes the length (a UUID is 36 characters, whatever it says). */
const FIXED_LENGTH_FORMATS = new Set(["uuid", "guid", "ipv4", "ipv6", "cidrv4", "cidrv6", "ulid", "nanoid"]);
/** Kinds that are bounded by what they are. */
const BOUNDED_KINDS = new Set([
  "boolean",
  "enum",
  "literal",
  "null",
  "undefined",
  "void",
  "never",
  "nan",
  "template_literal",
]);

export function unboundedInputs(schema: z.ZodType, options: { strict?: boolean } = {}): BoundIssue[] {
  const issues: BoundIssue[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown, path: string) => {
    if (seen.has(node)) return; // a recursive (lazy) schema is walked once
    seen.add(node);
    const def = defOf(node);
    const has = checks(def);
    const report = (problem: string) => issues.push({ path: path || "/", problem });
    const refined = has.has("custom");
    switch (def.type) {
      case "string":
        if (
          !has.has("max_length") &&
          !has.has("length_equals") &&
          !FIXED_LENGTH_FORMATS.has(def.format ?? "")
        )
          report("a string without a maximum length (.max)");
        return;
      case "date":
        // JavaScript reaches ±275,760 years, PostgreSQL's timestamptz far less: a date needs both ends.
        if (!has.has("less_than") || !has.has("greater_than"))
          report("a date without both bounds (.min, .max)");
        return;
      case "number":
      case "bigint":
        if (!has.has("less_than")) report("a number without an upper bound (.max)");
        if (!has.has("greater_than")) report("a number without a lower bound (.min)");
        return;
      case "array":
        if (!has.has("max_length") && !has.has("length_equals"))
          report("an array without a maximum of items (.max)");
        visit(def.element, `${path}/*`);
        return;
      case "object": {
        const shape = def.shape as Record<string, unknown>;
        for (const [key, value] of Object.entries(shape)) visit(value, `${path}/${key}`);
        const catchall = def.catchall ? defOf(def.catchall).type : undefined;
        if (options.strict && catchall !== "never")
          report("an object that accepts unknown keys (use z.strictObject on inputs that write)");
        else if (catchall && catchall !== "never") visit(def.catchall, `${path}/*`);
        return;
      }
      case "record":
        visit(def.keyType, `${path}/<key>`);
        // A refinement on the record caps everything in it (jsonFits); without one, look inside.
        if (!refined) {
          report("a record without a refinement capping its size");
          visit(def.valueType, `${path}/*`);
        }
        return;
      case "unknown":
      case "any":
        if (!refined) report("an unknown value without a refinement capping its size");
        return;
      case "map":
      case "set":
      case "custom":
      case "file":
      case "function":
      case "promise":
        report(`a ${def.type}, which this API never accepts`);
        return;
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "nonoptional":
      case "readonly":
      case "catch":
      case "success":
        visit(def.innerType, path);
        return;
      case "pipe":
        visit(def.in, path); // what the caller sends is the pipe's input side
        return;
      case "transform":
        return; // a transform's input is whatever came before it in its pipe
      case "lazy":
        visit((def.getter as () => unknown)(), path);
        return;
      case "union":
        for (const [i, option] of (def.options as unknown[]).entries()) visit(option, `${path}<${i}>`);
        return;
      case "intersection":
        visit(def.left, path);
        visit(def.right, path);
        return;
      case "tuple":
        for (const [i, item] of (def.items as unknown[]).entries()) visit(item, `${path}/${i}`);
        if (def.rest) report("a tuple with a rest element");
        return;
      default:
        if (!BOUNDED_KINDS.has(def.type)) report(`a ${def.type} this check does not know: teach it`);
    }
  };
  visit(schema, "");
  return issues;
}
