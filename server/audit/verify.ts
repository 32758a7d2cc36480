import { asc, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditRecords } from "@/db/schema";
import { type ChainBreak, checkLink, describeChainBreak, GENESIS_HASH } from "./chain";

const PAGE = 2_000;

export type ChainVerification =
  | { ok: true; checked: number; head: { seq: number; hash: string } | null }
  | { ok: false; checked: number; firstBroken: ChainBreak; message: string };

/**
 * Walks the whole audit chain in order and names the first broken link. A valid chain
 * ends at `head`: keep that hash elsewhere (a ticket, a log) to notice records removed
 * from the end later.
 */
export async function verifyAuditChain(options: { db: Db; pageSize?: number }): Promise<ChainVerification> {
  const { db } = options;
  const pageSize = options.pageSize ?? PAGE;
  let previous = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditRecords)
      .where(gt(auditRecords.seq, previous.seq))
      .orderBy(asc(auditRecords.seq))
      .limit(pageSize);
    for (const row of rows) {
      const broken = checkLink(row, previous);
      if (broken) return { ok: false, checked, firstBroken: broken, message: describeChainBreak(broken) };
      checked++;
      previous = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < pageSize) break;
  }
  return { ok: true, checked, head: checked === 0 ? null : previous };
}
