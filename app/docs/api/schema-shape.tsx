import { Markdown } from "../../_components/markdown";

/** A JSON Schema as the OpenAPI document holds it (only the parts a reader needs). */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
  maxLength?: number;
  maxItems?: number;
}

type Components = Record<string, Schema>;

const refName = (ref: string) => ref.split("/").at(-1) ?? ref;

/** One line of type: "string (uuid)", "Step[]", "\"a\" | \"b\"", "object". */
export function typeLabel(schema: Schema): string {
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeLabel).join(" | ");
  if (schema.type === "array") return `${schema.items ? typeLabel(schema.items) : "unknown"}[]`;
  const types = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any JSON");
  return schema.format ? `${types} (${schema.format})` : types;
}

/**
 * A request or response body's shape, field by field: name, type, whether it is required,
 * and its description (Markdown). Named schemas are opened once, to a depth of three, so a
 * reader sees what to send and what comes back without reading JSON Schema.
 */
export function SchemaShape({
  schema,
  components,
  depth = 0,
  seen = [],
}: {
  schema: Schema;
  components: Components;
  depth?: number;
  seen?: string[];
}) {
  const name = schema.$ref ? refName(schema.$ref) : null;
  const resolved = name ? components[name] : schema;
  if (!resolved || (name && seen.includes(name)) || depth > 2) {
    return <span className="font-mono text-xs">{typeLabel(schema)}</span>;
  }
  const inner = resolved.type === "array" && resolved.items ? resolved.items : resolved;
  const innerName = inner.$ref ? refName(inner.$ref) : null;
  const target = innerName ? components[innerName] : inner;
  const fields = Object.entries(target?.properties ?? {});
  if (fields.length === 0) return <span className="font-mono text-xs">{typeLabel(resolved)}</span>;
  const nextSeen = [...seen, ...(name ? [name] : []), ...(innerName ? [innerName] : [])];
  const required = new Set(target?.required ?? []);
  return (
    <div className="min-w-0">
      {(name || innerName) && (
        <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
          {resolved.type === "array" ? `${innerName ?? "object"}[]` : name}
        </p>
      )}
      <ul className="mt-1 space-y-1 border-l border-zinc-200 pl-3 dark:border-zinc-700">
        {fields.map(([field, fieldSchema]) => (
          <li key={field} className="min-w-0 text-sm">
            <span className="font-mono text-xs font-semibold">{field}</span>
            <span className="ml-1.5 font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">
              {typeLabel(fieldSchema)}
            </span>
            {!required.has(field) && <span className="ml-1.5 text-xs text-zinc-500">optional</span>}
            {fieldSchema.description && (
              <Markdown className="text-xs text-zinc-600 dark:text-zinc-400">
                {fieldSchema.description}
              </Markdown>
            )}
            {(fieldSchema.$ref || fieldSchema.properties || fieldSchema.items?.$ref) && (
              <div className="mt-1">
                <SchemaShape schema={fieldSchema} components={components} depth={depth + 1} seen={nextSeen} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
