import type { Sql } from "postgres";
import { BLOCK_KINDS, type BlockKind } from "@/server/domain/statuses";

/**
 * A cause of blocked work: the block kind, the step it stopped at and the error signature
 * (db/block-signature.ts, kept in `operations.block_signature`). Every operation one fault blocked has the same cause, whatever its
 * ids, amounts or incident id. As text it is `kind~step~signatureKey`, short enough for a
 * URL: the inbox's links, the search filter and the bulk filter all carry this one string.
 */
export interface BlockCause {
  kind: BlockKind;
  step: string;
  /** 16 hex digits: the signature's key (`operations.block_signature`). */
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
 * columns unqualified). Matches the partial index operations_blocked_cause_idx.
 */
export function causeCondition(sql: Sql, cause: BlockCause) {
  return sql`and status = 'blocked' and blocked_kind = ${cause.kind}::block_kind
    and current_step = ${cause.step} and block_signature = ${cause.signature}`;
}
