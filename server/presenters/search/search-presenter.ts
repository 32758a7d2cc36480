import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import { sqlList } from "@/db/sql-list";
import {
  type BlockKind,
  IN_FLIGHT_STATUSES,
  isTerminal,
  type OperationStatus,
} from "@/server/domain/statuses";
import { asDate, asDateOrNull, uuidV7Floor } from "@/server/presenters/rows";
import type { WorkflowRegistry } from "@/server/workflows/kit/registry";
import {
  decodeCursor,
  encodeCursor,
  parseSearchTerm,
  type SearchCursor,
  type SearchTerm,
} from "./search-query";
import type { SearchSort } from "./search-sorts";
import { hitsCte, matchedColumn, prefixCappedColumn } from "./search-sql";

export interface SearchRequest {
  /** The one search box: id, idempotency key, reference, subject or error text. */
  q?: string | null;
  type?: string | null;
  version?: number | null;
  statuses?: OperationStatus[];
  /** Current step name (only non-terminal operations have one). */
  step?: string | null;
  /** Accepted at or after. */
  from?: Date | null;
  /** Accepted before. */
  to?: Date | null;
  synthetic?: boolean | null;
  sort?: SearchSort;
  cursor?: string | null;
  limit?: number;
}

/** What matched the search box, shown next to the row. */
export type SearchMatch = "id" | "reference" | "subject" | "idempotency_key" | "error";

export interface SearchRow {
  id: string;
  type: string;
  version: number;
  status: OperationStatus;
  reference: string | null;
  subject: string | null;
  currentStep: string | null;
  currentStepTitle: string | null;
  blockedKind: BlockKind | null;
  /** Why it is blocked or failed, one line. */
  problem: string | null;
  synthetic: boolean;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  matched: SearchMatch | null;
}

/** How many operations match, counted up to a bound: `atLeast` means "more than `count`". */
export interface SearchTotal {
  count: number;
  atLeast: boolean;
}

export interface SearchPage {
  rows: SearchRow[];
  total: SearchTotal;
  next: string | null;
  /** How the search box was read, for the "matched by" hint. */
  term: SearchTerm["kind"];
}

const MAX_LIMIT = 100;
/**
 * Matches are counted up to this many: an exact count of "every completed order" would read
 * the whole table, and past a thousand support narrows the search rather than reading on.
 * A prefix arm stops at PREFIX_HITS, so past it the count is a lower bound too.
 */
export const COUNT_BOUND = 1000;

/** A row as the SQL returns it: timestamps as text, no step title yet. */
type Row = Omit<SearchRow, "currentStepTitle" | "createdAt" | "updatedAt" | "completedAt"> & {
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
};

/**
 * Support search over every operation. Each way of finding one has its index (migration
 * 0002): ids by primary key (a time range is an id range, ids being UUIDv7), references,
 * subjects, idempotency keys by b-tree, error text by trigram. Pages are keyset-paginated
 * on the sort key, never OFFSET, so page 500 costs what page 1 costs.
 */
export class SearchPresenter {
  constructor(
    private readonly db: Db,
    private readonly registry: WorkflowRegistry,
  ) {}

  async call(request: SearchRequest): Promise<SearchPage> {
    const sql = this.db.$client;
    const limit = Math.min(Math.max(request.limit ?? 50, 1), MAX_LIMIT);
    const sort = request.sort ?? "accepted_desc";
    const term = parseSearchTerm(request.q);
    const cursor = decodeCursor(request.cursor);
    const finished = sort === "finished_desc" || sort === "finished_asc";
    const desc = sort === "accepted_desc" || sort === "finished_desc";

    const where = () => sql`
      where true
        ${term.kind === "id" ? sql`and o.id = ${term.id}::uuid` : sql``}
        ${term.kind === "text" ? sql`and o.id = any(array(select id from hits))` : sql``}
        ${request.type ? sql`and o.type = ${request.type}` : sql``}
        ${request.version ? sql`and o.version = ${request.version}` : sql``}
        ${request.statuses?.length ? sql`and o.status = any(${request.statuses}::operation_status[])` : sql``}
        ${
          request.step
            ? sql`and o.current_step = ${request.step} and o.status in ${sql.unsafe(sqlList(IN_FLIGHT_STATUSES))}`
            : sql``
        }
        ${request.from ? sql`and o.id >= ${uuidV7Floor(request.from)}::uuid` : sql``}
        ${request.to ? sql`and o.id < ${uuidV7Floor(request.to)}::uuid` : sql``}
        ${request.synthetic === true ? sql`and o.synthetic` : request.synthetic === false ? sql`and not o.synthetic` : sql``}
        ${finished ? sql`and o.completed_at is not null` : sql``}`;

    // With a search box term, the bounded count rides in the page's own statement, over the
    // same materialised hits: read twice, common error text cost twice (17 → 40 ms p50).
    const inlineCount =
      term.kind === "text"
        ? sql`(select count(*)::int from (select 1 from operations o ${where()} limit ${COUNT_BOUND + 1}) c)`
        : sql`null::int`;
    const rows = await sql<(Row & { capped: boolean; n: number | null })[]>`
      ${hitsCte(sql, term)}
      select o.id, o.type, o.version, o.status, o.reference, o.subject, o.current_step as "currentStep",
        o.blocked_kind as "blockedKind",
        case when o.status = 'blocked' then o.blocked_reason
             when o.status = 'failed' then o.error->>'message' end as problem,
        o.synthetic, o.created_at as "createdAt", o.updated_at as "updatedAt", o.completed_at as "completedAt",
        ${matchedColumn(sql, term)} as matched, ${prefixCappedColumn(sql, term)} as capped, ${inlineCount} as n
      from operations o
      ${where()}
        ${cursor ? keyset(sql, cursor, finished, desc) : sql``}
      order by ${
        finished
          ? desc
            ? sql`o.completed_at desc, o.id desc`
            : sql`o.completed_at asc, o.id asc`
          : desc
            ? sql`o.id desc`
            : sql`o.id asc`
      }
      limit ${limit + 1}`;

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next =
      rows.length > limit && last
        ? encodeCursor({ id: last.id, ...(finished && last.completedAt ? { at: last.completedAt } : {}) })
        : null;
    // A first page that is not full is its own count (most lookups): no second read. Else the
    // matches are counted up to the bound; `capped` says a prefix arm stopped early.
    let n = rows[0]?.n ?? page.length;
    let capped = rows[0]?.capped ?? false;
    const countedInline = rows[0]?.n !== null && rows[0]?.n !== undefined;
    if (!countedInline && (cursor || rows.length > limit || (term.kind === "text" && rows.length === 0))) {
      const [counted] = await sql<{ n: number; capped: boolean }[]>`
        ${hitsCte(sql, term)}
        select (select count(*)::int from (select 1 from operations o ${where()} limit ${COUNT_BOUND + 1}) c) as n,
          ${prefixCappedColumn(sql, term)} as capped`;
      n = counted?.n ?? 0;
      capped = counted?.capped ?? false;
    }
    return {
      rows: page.map(({ capped: _, n: __, ...r }) => this.toRow(r)),
      total: { count: Math.min(n, COUNT_BOUND), atLeast: n > COUNT_BOUND || capped },
      next,
      term: term.kind,
    };
  }

  private toRow(r: Row): SearchRow {
    const workflow = this.registry.get(r.type, r.version);
    const step = workflow?.steps.find((s) => s.name === r.currentStep);
    return {
      ...r,
      currentStep: isTerminal(r.status) ? null : r.currentStep,
      currentStepTitle: isTerminal(r.status) ? null : (step?.title ?? r.currentStep),
      createdAt: asDate(r.createdAt),
      updatedAt: asDate(r.updatedAt),
      completedAt: asDateOrNull(r.completedAt),
    };
  }
}

function keyset(sql: Sql, cursor: SearchCursor, finished: boolean, desc: boolean) {
  if (finished) {
    if (!cursor.at) return sql`and false`;
    return desc
      ? sql`and (o.completed_at, o.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
      : sql`and (o.completed_at, o.id) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`;
  }
  return desc ? sql`and o.id < ${cursor.id}::uuid` : sql`and o.id > ${cursor.id}::uuid`;
}
