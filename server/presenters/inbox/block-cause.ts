import type { Sql } from "postgres";
import { BLOCK_SIGNATURE_KEY_SQL } from "@/db/block-signature";
import { BLOCK_KINDS, type BlockKind } from "@/server/domain/statuses";

/**
 * A cause of blocked work: the block kind, the step it stopped at and the error signature
 * (db/block-signature.ts). Every operation one fault blocked has the same cause, whatever its
 * ids, amounts or incident id. As text it is `kind~step~signatureKey`, short enough for a
 * URL: the inbox's links, the search filter and the bulk filter all carry this one string.
 */
export interface BlockCause {
  kind: BlockKind;
  step: string;
  /** 16 hex digits: the signature's key (BLOCK_SIGNATURE_KEY_SQL). */
  signature: string;
}

/** The most a cause key may be (a step name is at most 100 characters). */
export const MAX_BLOCK_CAUSE_LENGTH = 160;
const STEP = /^[A-Za-z0-9_.:-]{1,100}$/;
const SIGNATURE = /^[0-9a-f]{16}$/;

export function blockCause(kind: BlockKind, step: string, errorSignature: string): string {
  return `${kind}~${step}~${errorSignature}`;
}

/** The cause a key names, or null for anything that is not one (never throws). */
export function parseBlockCause(key: string | null | undefined): BlockCause | null {
  if (!key || key.length > MAX_BLOCK_CAUSE_LENGTH) return null;
  const parts = key.split("~");
  if (parts.length !== 3) return null;
  const [kind, step, signature] = parts as [string, string, string];
  if (!(BLOCK_KINDS as readonly string[]).includes(kind)) return null;
  if (!STEP.test(step) || !SIGNATURE.test(signature)) return null;
  return { kind: kind as BlockKind, step, signature };
}

export function isBlockCause(key: string): boolean {
  return parseBlockCause(key) !== null;
}

/**
 * `and …` keeping the blocked operations of one cause, for a query over `operations` (its
 * columns unqualified or under any alias without a second `blocked_reason` in scope). Matches
 * the partial index operations_block_cause_idx.
 */
export function causeCondition(sql: Sql, cause: BlockCause) {
  return sql`and status = 'blocked' and blocked_kind = ${cause.kind}::block_kind
    and current_step = ${cause.step} and ${sql.unsafe(BLOCK_SIGNATURE_KEY_SQL)} = ${cause.signature}`;
}
