import { createHash, createHmac } from "node:crypto";

/**
 * The hash chain, pure: every audit record's hash covers its own fields and the previous
 * record's hash, so changing, removing or reordering any record breaks every link after it.
 * The first record links to GENESIS_HASH.
 */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Which form a record's hash takes. 1: the time as an ISO string to the millisecond (what
 * JavaScript reads back from timestamptz): records written before the chain was anchored keep
 * verifying as they are. 2: the time in epoch microseconds, PostgreSQL's full precision, so a
 * change below the millisecond is seen. Every record written now is format 2; a chain never
 * goes back to 1.
 */
export const HASH_FORMATS = [1, 2] as const;
export type HashFormat = (typeof HASH_FORMATS)[number];
export const CURRENT_HASH_FORMAT: HashFormat = 2;

/** Exactly the fields a record's hash covers, in the form they are stored and read back. */
export interface ChainedFields {
  seq: number;
  /** `at` as epoch microseconds, digits only (read as text: a JS Date would drop the microseconds). */
  atMicros: string;
  hashFormat: number;
  actorKind: string;
  actorId: string;
  actorLabel: string;
  actorRole: string;
  action: string;
  operationId: string | null;
  step: string | null;
  workflowType: string | null;
  bulkActionId: string | null;
  reason: string | null;
  statusBefore: string | null;
  statusAfter: string | null;
  details: unknown;
  requestId: string | null;
  clientAddress: string | null;
  prevHash: string;
}

/** Epoch microseconds of a JS time (whole milliseconds, so the last three digits are 0). */
export function microsOf(at: Date): string {
  return (BigInt(at.getTime()) * 1000n).toString();
}

/**
 * `sha256` over a canonical JSON array of the fields in a fixed order; `details` is
 * canonicalised (sorted keys) because PostgreSQL's jsonb does not keep key order.
 */
export function hashRecord(r: ChainedFields): string {
  const micros = BigInt(r.atMicros);
  const time = r.hashFormat === 1 ? new Date(Number(micros / 1000n)).toISOString() : micros.toString();
  const canonical = JSON.stringify([
    r.hashFormat === 1 ? "throughline-audit-v1" : "throughline-audit-v2",
    r.seq,
    time,
    r.actorKind,
    r.actorId,
    r.actorLabel,
    r.actorRole,
    r.action,
    r.operationId,
    r.step,
    r.workflowType,
    r.bulkActionId,
    r.reason,
    r.statusBefore,
    r.statusAfter,
    canonicalize(r.details ?? null),
    r.requestId,
    r.clientAddress,
    r.prevHash,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * The record's seal under the audit key: whoever lacks the key can recompute SHA-256 links
 * but not this, so re-chaining after an alteration, or appending a forged record, shows.
 */
export function macOf(key: string, hash: string): string {
  return createHmac("sha256", key).update(`throughline-audit-record:${hash}`).digest("hex");
}

/** A JSON value with object keys sorted at every level (arrays keep their order). */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonicalize((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Why the chain is not what was written: the first problem a verify run meets. */
export type ChainBreak =
  /** A record's stored hash is not the hash of its fields: the record was altered. */
  | { type: "hash_mismatch"; seq: number; stored: string; computed: string }
  /** A record does not point at the record before it: one was altered, removed or inserted. */
  | { type: "prev_mismatch"; seq: number; stored: string; expected: string }
  /** Positions are not consecutive: records were removed. */
  | { type: "gap"; seq: number; expectedSeq: number }
  /** An unknown hash format, or a format-1 record after format-2 ones or with a sub-millisecond time. */
  | { type: "bad_format"; seq: number; format: number }
  /** The record's seal is not the audit key's seal of its hash: re-chained or forged. */
  | { type: "bad_mac"; seq: number }
  /** A record without a seal after sealed ones: forged (or written by a process without the key). */
  | { type: "unsigned"; seq: number }
  /** A signed checkpoint names another hash at its head: the chain was rewritten and re-linked. */
  | { type: "checkpoint_mismatch"; seq: number; checkpoint: number }
  /** The chain ends before a signed checkpoint's head: records were removed from the end. */
  | { type: "truncated"; seq: number; checkpoint: number; records: number }
  /** A checkpoint is forged, altered, missing from the sequence, or copies disagree. */
  | { type: "bad_checkpoint"; seq: number; checkpoint: number; why: string };

export const CHAIN_BREAK_TYPES = [
  "hash_mismatch",
  "prev_mismatch",
  "gap",
  "bad_format",
  "bad_mac",
  "unsigned",
  "checkpoint_mismatch",
  "truncated",
  "bad_checkpoint",
] as const satisfies readonly ChainBreak["type"][];

/** The end of the chain verified so far. */
export interface ChainPosition {
  seq: number;
  hash: string;
  hashFormat: number;
  /** Whether a sealed record came before: from then on every record must be sealed. */
  sealed: boolean;
}

export const CHAIN_START: ChainPosition = { seq: 0, hash: GENESIS_HASH, hashFormat: 1, sealed: false };

/**
 * Checks one record against the end of the chain verified so far. With the key, a seal
 * must be the key's; without it, a missing seal after sealed records still shows.
 */
export function checkLink(
  record: ChainedFields & { hash: string; mac?: string | null },
  previous: ChainPosition,
  key: string | null = null,
): ChainBreak | null {
  const { seq } = record;
  if (seq !== previous.seq + 1) return { type: "gap", seq, expectedSeq: previous.seq + 1 };
  const format = record.hashFormat;
  const subMs = BigInt(record.atMicros) % 1000n !== 0n;
  if (!HASH_FORMATS.includes(format as HashFormat) || format < previous.hashFormat || (format === 1 && subMs))
    return { type: "bad_format", seq, format };
  if (record.prevHash !== previous.hash) {
    return { type: "prev_mismatch", seq, stored: record.prevHash, expected: previous.hash };
  }
  const computed = hashRecord(record);
  if (computed !== record.hash) return { type: "hash_mismatch", seq, stored: record.hash, computed };
  const mac = record.mac ?? null;
  if (mac === null && previous.sealed) return { type: "unsigned", seq };
  if (mac !== null && key !== null && mac !== macOf(key, record.hash)) return { type: "bad_mac", seq };
  return null;
}

export function describeChainBreak(b: ChainBreak): string {
  switch (b.type) {
    case "hash_mismatch":
      return `Record #${b.seq} was altered: its contents no longer match its hash.`;
    case "prev_mismatch":
      return `Record #${b.seq} does not follow the record before it: a record was altered, removed or inserted.`;
    case "gap":
      return `Record #${b.expectedSeq} is missing (the next record is #${b.seq}): records were removed.`;
    case "bad_format":
      return `Record #${b.seq} claims hash format ${b.format}, which it cannot have there: it was altered.`;
    case "bad_mac":
      return `Record #${b.seq} is not sealed by the audit key: it was re-chained or forged.`;
    case "unsigned":
      return `Record #${b.seq} has no seal although records before it do: it was forged or written without the audit key.`;
    case "checkpoint_mismatch":
      return `Checkpoint ${b.checkpoint} signed another record #${b.seq}: the chain was rewritten and re-linked.`;
    case "truncated":
      return `Checkpoint ${b.checkpoint} signed ${b.seq} record(s), only ${b.records} remain: records were removed from the end.`;
    case "bad_checkpoint":
      return `Checkpoint ${b.checkpoint} cannot be trusted: ${b.why}.`;
  }
}
