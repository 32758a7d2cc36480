import type { FieldIssue } from "@/server/operations/issues";
import { problem } from "./problem";

export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
/** No request we accept nests deeper than this; deeper bodies are refused before parsing. */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of a JSON text, counted without parsing it (brackets outside strings). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

const escapeToken = (token: string) => token.replaceAll("~", "~0").replaceAll("/", "~1");

/** Where a value sits, as a chain to its parent: the pointer text is built only for a finding. */
type Path = { parent: Path; key: string } | null;
function pointerOf(path: Path): string {
  const parts: string[] = [];
  for (let p = path; p; p = p.parent) parts.push(escapeToken(p.key));
  return parts.length > 0 ? `/${parts.reverse().join("/")}` : "/";
}

/**
 * A NUL (PostgreSQL refuses it in text and jsonb) or a UTF-16 surrogate without its partner.
 * `isWellFormed` (ES2024, Node ≥ 20) is typed here because the project's lib predates it.
 */
const isHostile = (s: string) =>
  s.includes("\u0000") || !(s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * The JSON pointer of the first container nested deeper than `max` levels (the root container is
 * level 1, as jsonDepth counts brackets), or null: for a value already parsed (tRPC's input before
 * superjson copies it recursively). Stops at `max`, so it cannot overflow or loop on a cycle.
 */
export function tooDeepAt(root: unknown, max = MAX_JSON_DEPTH): string | null {
  const work: { value: unknown; path: Path; level: number }[] = [{ value: root, path: null, level: 1 }];
  while (work.length > 0) {
    const { value, path, level } = work.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (level > max) return pointerOf(path);
    for (const [key, v] of Object.entries(value))
      work.push({ value: v, path: { parent: path, key }, level: level + 1 });
  }
  return null;
}

/**
 * Every string (values and keys) of a parsed JSON value that PostgreSQL or a client could not
 * round-trip, by JSON pointer; with `maxDepth`, also the first container nested deeper than that
 * (the root container is level 1, as jsonDepth counts brackets), not walked further. One pass with
 * an explicit stack, so neither a deep nor a cyclic value can overflow or loop when `maxDepth` is
 * set; tRPC inputs use it too (server/trpc/input-guard.ts).
 */
export function hostileStrings(
  root: unknown,
  options: { limit?: number; maxDepth?: number } = {},
): FieldIssue[] {
  const { limit = 20, maxDepth = Number.POSITIVE_INFINITY } = options;
  const issues: FieldIssue[] = [];
  const work: { value: unknown; path: Path; level: number }[] = [{ value: root, path: null, level: 0 }];
  while (work.length > 0 && issues.length < limit) {
    const { value, path, level } = work.pop()!;
    if (typeof value === "string") {
      if (isHostile(value))
        issues.push({
          pointer: pointerOf(path),
          detail: "Text may not contain NUL or an unpaired surrogate.",
        });
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (level + 1 > maxDepth) {
      issues.push({ pointer: pointerOf(path), detail: `The input nests deeper than ${maxDepth} levels.` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        work.push({ value: value[i], path: { parent: path, key: String(i) }, level: level + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (isHostile(key))
        issues.push({
          pointer: pointerOf(path),
          detail: "A key may not contain NUL or an unpaired surrogate.",
        });
      else
        work.push({
          value: (value as Record<string, unknown>)[key],
          path: { parent: path, key },
          level: level + 1,
        });
    }
  }
  return issues;
}

/**
 * Query or path text PostgreSQL cannot compare (a NUL: the driver's query fails) or a client
 * cannot read back (an unpaired surrogate): a 400 naming the parameter (`/query/subject`,
 * `/path/id`; a hostile parameter name is reported at the prefix itself), checked before any read.
 */
export function hostileParameters(values: Record<string, string>, prefix: string): Response | null {
  const issues = hostileStrings(values);
  if (issues.length === 0) return null;
  return problem("invalid-request", {
    detail: "A parameter contains text that cannot be used.",
    errors: issues.map((i) => ({ ...i, pointer: i.pointer === "/" ? prefix : `${prefix}${i.pointer}` })),
  });
}

/**
 * Reads a JSON body within a size limit. Returns the parsed value, or the problem
 * response to send (415, 413 or 400) — never throws for bad input.
 */
export async function readJsonBody(
  request: Request,
  limitBytes = Number(process.env.THROUGHLINE_BODY_LIMIT_BYTES ?? DEFAULT_BODY_LIMIT_BYTES),
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json" && !mediaType.endsWith("+json")) {
    return {
      ok: false,
      response: problem("unsupported-media-type", {
        detail: `Send the body as application/json (got ${mediaType || "no content type"}).`,
      }),
    };
  }
  const tooLarge = () =>
    problem("payload-too-large", { detail: `The body must be at most ${limitBytes} bytes.` });
  if (Number(request.headers.get("content-length") ?? 0) > limitBytes)
    return { ok: false, response: tooLarge() };

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limitBytes) {
        await reader.cancel();
        return { ok: false, response: tooLarge() };
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    return {
      ok: false,
      response: problem("invalid-request", {
        detail: `The body nests deeper than ${MAX_JSON_DEPTH} levels.`,
      }),
    };
  try {
    const value: unknown = JSON.parse(text);
    const issues = hostileStrings(value);
    if (issues.length > 0)
      return {
        ok: false,
        response: problem("invalid-input", { detail: "Some text cannot be stored.", errors: issues }),
      };
    return { ok: true, value };
  } catch (error) {
    return {
      ok: false,
      response: problem("malformed-json", {
        detail: `The body is not valid JSON: ${(error as Error).message}`,
      }),
    };
  }
}
