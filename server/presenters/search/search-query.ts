import { escapeLike, toUuid } from "@/server/presenters/rows";

/**
 * How the one search box reads what was typed (pure, no database):
 * - a whole operation id → that operation;
 * - 8+ hex digits that could start an id → the ids in that range (UUIDv7 ids are ordered),
 *   and the text matches below as well;
 * - anything else → the start of a business reference or customer email (case-insensitive:
 *   both are typed in any case), an exact idempotency key, or a piece of error text (3+ characters).
 */
export type SearchTerm =
  | { kind: "none" }
  | { kind: "id"; id: string }
  | { kind: "text"; text: string; idRange: { from: string; to: string } | null; errorPattern: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID_PREFIX = /^[0-9a-f]{8}(-?[0-9a-f]{0,4}){0,4}$/i;
const MIN_ERROR_TEXT = 3;

export function parseSearchTerm(raw: string | null | undefined): SearchTerm {
  const text = (raw ?? "").trim();
  if (!text) return { kind: "none" };
  if (UUID.test(text)) return { kind: "id", id: text.toLowerCase() };
  const hex = text.replaceAll("-", "").toLowerCase();
  const idRange =
    ID_PREFIX.test(text) && hex.length <= 32
      ? { from: toUuid(hex.padEnd(32, "0")), to: toUuid(hex.padEnd(32, "f")) }
      : null;
  return {
    kind: "text",
    text,
    idRange,
    errorPattern: text.length >= MIN_ERROR_TEXT ? `%${escapeLike(text)}%` : null,
  };
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** Opaque keyset cursor: the last row's sort key. */
export interface SearchCursor {
  id: string;
  /** completed_at of the last row, for the "finished" sorts: PostgreSQL's text, exact to the microsecond. */
  at?: string;
}

export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decodeCursor(value: string | null | undefined): SearchCursor | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<SearchCursor>;
    if (typeof parsed.id !== "string" || !UUID.test(parsed.id)) return null;
    if (parsed.at !== undefined && (typeof parsed.at !== "string" || !TIMESTAMP.test(parsed.at))) return null;
    return { id: parsed.id, ...(parsed.at ? { at: parsed.at } : {}) };
  } catch {
    return null;
  }
}
