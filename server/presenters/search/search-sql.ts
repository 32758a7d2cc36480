import type { Sql } from "postgres";
import { escapeLike } from "@/server/presenters/rows";
import type { SearchTerm } from "./search-query";

/**
 * The most ids one prefix arm of the search box contributes. A short prefix ("ord_1",
 * "customer1") matches a large share of a million operations; each arm walks its index in
 * key order (so the exact value comes first) and stops here, and the result says
 * "more than" rather than pretending to have counted everything.
 */
export const PREFIX_HITS = 1000;

/**
 * A prefix as a range of the text_pattern_ops indexes (byte order, migration 0015): a bound
 * parameter in `like 'x%'` cannot use an index in a generic plan, a range can. U+10FFFF sorts
 * after every character, so `[p, p || U+10FFFF)` holds every text starting with p; the `like`
 * keeps the answer exact.
 */
function prefixRange(column: ReturnType<Sql>, prefix: string, sql: Sql) {
  return sql`${column} ~>=~ ${prefix} and ${column} ~<~ ${`${prefix}\u{10FFFF}`} and ${column} like ${`${escapeLike(prefix)}%`}`;
}

/**
 * The operations the search box finds, as one id set: each arm is an index lookup, and the
 * error-text arms repeat the indexed expressions exactly so the trigram indexes apply. The
 * set is materialised and then probed by primary key (`id = any(array(…))`): joined as a
 * subquery, the planner misjudged its size and walked the whole primary key backwards to
 * avoid a sort (730 ms at 1,000,000 operations instead of 15 ms).
 * References and customer emails match case-insensitively by prefix (support types
 * "GRACE.HOPPER" or the start of an order number); idempotency keys exactly.
 */
export function hitsCte(sql: Sql, term: SearchTerm) {
  if (term.kind !== "text") return sql``;
  const { idRange, errorPattern } = term;
  const lowered = term.text.toLowerCase();
  return sql`
    with hits as materialized (
      (select id, 'reference' as arm from operations where reference is not null
        and ${prefixRange(sql`lower(reference)`, lowered, sql)}
        order by lower(reference) using ~<~ limit ${PREFIX_HITS + 1})
      union all (select id, 'subject' from operations where subject is not null
        and ${prefixRange(sql`lower(subject)`, lowered, sql)}
        order by lower(subject) using ~<~ limit ${PREFIX_HITS + 1})
      union all select id, 'other' from operations where idempotency_key = ${term.text}
      ${idRange ? sql`union all (select id, 'id' from operations where id between ${idRange.from}::uuid and ${idRange.to}::uuid order by id desc limit ${PREFIX_HITS + 1})` : sql``}
      ${
        errorPattern
          ? sql`
      union all select id, 'other' from operations
        where (coalesce(error->>'message', '') || ' ' || coalesce(blocked_reason, '')) ilike ${errorPattern}
          and (error is not null or blocked_reason is not null)
      union all select operation_id, 'other' from steps where last_error->>'message' ilike ${errorPattern} and last_error is not null`
          : sql``
      }
    )`;
}

/**
 * Whether a prefix arm stopped at PREFIX_HITS, so the count can only be a lower bound. Each
 * arm brings one id more than it keeps for exactly this question.
 */
export function prefixCappedColumn(sql: Sql, term: SearchTerm) {
  if (term.kind !== "text") return sql`false`;
  return sql`exists (select 1 from hits where arm <> 'other' group by arm having count(*) > ${PREFIX_HITS})`;
}

export function matchedColumn(sql: Sql, term: SearchTerm) {
  if (term.kind === "id") return sql`'id'`;
  if (term.kind !== "text") return sql`null`;
  const { idRange } = term;
  const pattern = `${escapeLike(term.text.toLowerCase())}%`;
  return sql`case
    when lower(o.reference) like ${pattern} then 'reference'
    when lower(o.subject) like ${pattern} then 'subject'
    when o.idempotency_key = ${term.text} then 'idempotency_key'
    ${idRange ? sql`when o.id between ${idRange.from}::uuid and ${idRange.to}::uuid then 'id'` : sql``}
    else 'error' end`;
}
