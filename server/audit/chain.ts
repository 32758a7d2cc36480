import { createHash } from "node:crypto";

/**
 * The hash chain, pure: every audit record's hash covers its own fields and the previous
 * record's hash, so changing, removing or reordering any record breaks every link after it.
 * The first record links to GENESIS_HASH.
 */
export const GENESIS_HASH = "0".repeat(64);

/** Exactly the fields a record's hash covers, in the form they are stored and read back. */
export interface ChainedFields {
  seq: number;
  at: Date;
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

/**
 * `sha256` over a canonical JSON array of the fields in a fixed order; `details` is
 * canonicalised (sorted keys) because PostgreSQL's jsonb does not keep key order.
 */
export function hashRecord(r: ChainedFields): string {
  const canonical = JSON.stringify([
    "throughline-audit-v1",
    r.seq,
    r.at.toISOString(),
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

/** Why a link of the chain is broken. */
export type ChainBreak =
  /** A record's stored hash is not the hash of its fields: the record was altered. */
  | { type: "hash_mismatch"; seq: number; stored: string; computed: string }
  /** A record does not point at the record before it: one was altered, removed or inserted. */
  | { type: "prev_mismatch"; seq: number; stored: string; expected: string }
  /** Positions are not consecutive: records were removed. */
  | { type: "gap"; seq: number; expectedSeq: number };

/** Checks one record against the end of the chain verified so far. */
export function checkLink(
  record: ChainedFields & { hash: string },
  previous: { seq: number; hash: string },
): ChainBreak | null {
  if (record.seq !== previous.seq + 1) return { type: "gap", seq: record.seq, expectedSeq: previous.seq + 1 };
  if (record.prevHash !== previous.hash) {
    return { type: "prev_mismatch", seq: record.seq, stored: record.prevHash, expected: previous.hash };
  }
  const computed = hashRecord(record);
  if (computed !== record.hash)
    return { type: "hash_mismatch", seq: record.seq, stored: record.hash, computed };
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
  }
}
