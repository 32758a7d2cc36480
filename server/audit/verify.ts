import type { Db } from "@/db/client";
import {
  CHAIN_START,
  type ChainBreak,
  type ChainedFields,
  type ChainPosition,
  checkLink,
  describeChainBreak,
} from "./chain";
import { type Checkpoint, checkpointsInDatabase, readCheckpointFile, signCheckpoint } from "./checkpoint";
import { auditKeyFromEnv, auditKeyId, checkpointFileFromEnv } from "./key";

const PAGE = 2_000;

export type ChainVerification =
  | {
      ok: true;
      checked: number;
      head: { seq: number; hash: string } | null;
      /** Records carrying a seal (checked against the key when `keyChecked`). */
      sealed: number;
      /** The newest signed checkpoint the chain reaches; records after it are not yet anchored. */
      anchor: { checkpoint: number; headSeq: number; at: Date } | null;
      /** False when no audit key was at hand: seals and checkpoint signatures were not checked. */
      keyChecked: boolean;
    }
  | { ok: false; checked: number; firstBroken: ChainBreak; message: string };

export interface VerifyOptions {
  db: Db;
  pageSize?: number;
  /** The audit key; THROUGHLINE_AUDIT_KEY when absent, null to verify without one. */
  key?: string | null;
  /** The checkpoint file kept outside the database; THROUGHLINE_AUDIT_CHECKPOINT_FILE when absent. */
  checkpointFile?: string | null;
}

/**
 * Walks the whole audit chain in order and names the first problem: a broken link, a seal
 * that is not the key's, or a chain that no longer reaches what a signed checkpoint (from the
 * database or the checkpoint file) says it held — removed from the end, emptied, or re-linked.
 */
export async function verifyAuditChain(options: VerifyOptions): Promise<ChainVerification> {
  const sql = options.db.$client;
  const pageSize = options.pageSize ?? PAGE;
  const key = options.key === undefined ? auditKeyFromEnv() : options.key;
  const file = options.checkpointFile === undefined ? checkpointFileFromEnv() : options.checkpointFile;

  const fromFile = file ? await readCheckpointFile(file) : { checkpoints: [], badLines: [] };
  const anchors = checkCheckpoints([...(await checkpointsInDatabase(sql)), ...fromFile.checkpoints], key);
  const fail = (checked: number, b: ChainBreak) =>
    ({ ok: false, checked, firstBroken: b, message: describeChainBreak(b) }) as const;
  if (fromFile.badLines.length > 0)
    return fail(0, {
      type: "bad_checkpoint",
      seq: 0,
      checkpoint: 0,
      why: `line ${fromFile.badLines[0]} of ${file} is not a checkpoint`,
    });
  if ("broken" in anchors) return fail(0, anchors.broken);

  let previous: ChainPosition = CHAIN_START;
  let checked = 0;
  let sealed = 0;
  for (;;) {
    const rows = await auditChainPage(options.db, previous.seq, pageSize);
    for (const row of rows) {
      const broken = checkLink(row, previous, key);
      if (broken) return fail(checked, broken);
      const anchored = anchors.bySeq.get(row.seq);
      if (
        anchored &&
        (anchored.headHash !== row.hash || (anchored.headMac !== null && anchored.headMac !== row.mac))
      )
        return fail(checked, { type: "checkpoint_mismatch", seq: row.seq, checkpoint: anchored.n });
      checked++;
      if (row.mac !== null) sealed++;
      previous = {
        seq: row.seq,
        hash: row.hash,
        hashFormat: row.hashFormat,
        sealed: previous.sealed || row.mac !== null,
      };
    }
    if (rows.length < pageSize) break;
  }
  const newest = anchors.newest;
  if (newest && newest.headSeq > previous.seq)
    return fail(checked, { type: "truncated", seq: newest.headSeq, checkpoint: newest.n, records: checked });
  return {
    ok: true,
    checked,
    head: checked === 0 ? null : { seq: previous.seq, hash: previous.hash },
    sealed,
    anchor: newest ? { checkpoint: newest.n, headSeq: newest.headSeq, at: newest.at } : null,
    keyChecked: key !== null,
  };
}

export type AuditChainRow = ChainedFields & { hash: string; mac: string | null };

/** One page of records with the time as epoch microseconds in text: a Date would lose them. */
export async function auditChainPage(db: Db, afterSeq: number, limit: number): Promise<AuditChainRow[]> {
  const rows = await db.$client<Record<string, unknown>[]>`
    select seq::text, (extract(epoch from at) * 1000000)::bigint::text as at_micros, hash_format,
      actor_kind::text, actor_id, actor_label, actor_role, action::text, operation_id::text, step,
      workflow_type, bulk_action_id::text, reason, status_before::text, status_after::text, details,
      request_id, client_address, prev_hash, hash, mac
    from audit_records where audit_records.seq > ${afterSeq} order by audit_records.seq limit ${limit}`;
  return rows.map((r) => ({
    seq: Number(r.seq),
    atMicros: r.at_micros as string,
    hashFormat: Number(r.hash_format),
    actorKind: r.actor_kind as string,
    actorId: r.actor_id as string,
    actorLabel: r.actor_label as string,
    actorRole: r.actor_role as string,
    action: r.action as string,
    operationId: (r.operation_id as string | null) ?? null,
    step: (r.step as string | null) ?? null,
    workflowType: (r.workflow_type as string | null) ?? null,
    bulkActionId: (r.bulk_action_id as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    statusBefore: (r.status_before as string | null) ?? null,
    statusAfter: (r.status_after as string | null) ?? null,
    details: r.details ?? null,
    requestId: (r.request_id as string | null) ?? null,
    clientAddress: (r.client_address as string | null) ?? null,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
    mac: (r.mac as string | null) ?? null,
  }));
}

type Anchors = { bySeq: Map<number, Checkpoint>; newest: Checkpoint | null } | { broken: ChainBreak };

/**
 * Merges the database's and the file's checkpoints and checks them as a chain of their own:
 * numbered 1, 2, 3 … without a gap, each naming the one before, heads never going back, and
 * (with the key) each signed by it. Copies of one checkpoint must agree.
 */
function checkCheckpoints(all: Checkpoint[], key: string | null): Anchors {
  const byN = new Map<number, Checkpoint>();
  const bad = (c: Checkpoint, why: string): Anchors => ({
    broken: { type: "bad_checkpoint", seq: c.headSeq, checkpoint: c.n, why },
  });
  for (const c of all) {
    const other = byN.get(c.n);
    if (other && other.signature !== c.signature)
      return bad(c, "its copies in the database and the file differ");
    byN.set(c.n, c);
  }
  const sorted = [...byN.values()].sort((a, b) => a.n - b.n);
  const bySeq = new Map<number, Checkpoint>();
  const keyId = key === null ? null : auditKeyId(key);
  let before: Checkpoint | null = null;
  for (const c of sorted) {
    const expected = (before?.n ?? 0) + 1;
    if (c.n !== expected) return bad(c, `checkpoint ${expected} is missing before it`);
    if (c.prevSignature !== (before?.signature ?? ""))
      return bad(c, "it does not name the checkpoint before it");
    if (c.recordCount !== c.headSeq || c.headSeq < (before?.headSeq ?? 0))
      return bad(c, "its record count does not fit the chain");
    if (keyId !== null && c.keyId !== keyId)
      return bad(
        c,
        `it was signed by another key (${c.keyId}; this one is ${keyId}): was the audit key changed?`,
      );
    if (key !== null && signCheckpoint(key, c) !== c.signature)
      return bad(c, "its signature is not the audit key's: it was forged or altered");
    bySeq.set(c.headSeq, c);
    before = c;
  }
  return { bySeq, newest: before };
}
