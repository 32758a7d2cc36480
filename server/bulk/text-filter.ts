import { and, eq, or, type SQL, sql } from "drizzle-orm";
import { operations } from "@/db/schema";
import { escapeLike } from "@/server/presenters/rows";
import { parseSearchTerm } from "@/server/presenters/search/search-query";

/** Longest search text a bulk filter keeps (the search box's own limit). */
export const MAX_BULK_TEXT = 200;

/**
 * "Resume these 87" from a search: the operations the search box finds for `text`, as a
 * condition of the bulk dry run — the same reading as the search (parseSearchTerm, and the
 * arms of hitsCte in server/presenters/search/search-sql.ts): an exact id; otherwise the start
 * of a reference or customer email in any case, an exact idempotency key, an id prefix, or a
 * piece of error text. Unlike the search it is not capped per arm: the dry run freezes
 * exactly what matches, within the workflow type and statuses it is combined with.
 */
export function searchTextWhere(text: string): SQL | undefined {
  const term = parseSearchTerm(text);
  if (term.kind === "none") return undefined;
  if (term.kind === "id") return eq(operations.id, term.id);
  const prefix = `${escapeLike(term.text.toLowerCase())}%`;
  const arms: (SQL | undefined)[] = [
    sql`lower(${operations.reference}) like ${prefix}`,
    sql`lower(${operations.subject}) like ${prefix}`,
    eq(operations.idempotencyKey, term.text),
    term.idRange
      ? and(
          sql`${operations.id} >= ${term.idRange.from}::uuid`,
          sql`${operations.id} <= ${term.idRange.to}::uuid`,
        )
      : undefined,
  ];
  if (term.errorPattern) {
    arms.push(
      sql`(coalesce(${operations.error}->>'message', '') || ' ' || coalesce(${operations.blockedReason}, '')) ilike ${term.errorPattern}`,
      sql`exists (select 1 from steps s where s.operation_id = ${operations.id} and s.last_error->>'message' ilike ${term.errorPattern})`,
    );
  }
  return or(...arms);
}
