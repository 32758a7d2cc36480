import { createHmac } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Sql } from "postgres";
import { withTickLock } from "@/db/tick-lock";
import { auditKeyId } from "./key";

/**
 * Signed checkpoints of the audit chain: "the chain had `recordCount` records, the last one
 * `headSeq` with hash `headHash`", under an HMAC with the audit key, which is not in the
 * database. Each is kept three times: in `audit_checkpoints` (append-only), as a JSON line in
 * the checkpoint file, and as a line in the worker's log. Someone who can rewrite the database
 * can re-link SHA-256 hashes but cannot sign, and cannot reach the file or the log: a verify
 * run that finds fewer records than a checkpoint signed, or another hash at its head, reports
 * the tail removed or the chain re-linked. Records written since the last checkpoint are
 * covered by their seals (`mac`) against forgery and re-chaining, not yet against removal.
 */
export interface Checkpoint {
  n: number;
  at: Date;
  recordCount: number;
  headSeq: number;
  headHash: string;
  /** The head record's seal (null when unsealed): signed, so seals cannot be stripped unseen. */
  headMac: string | null;
  prevSignature: string;
  keyId: string;
  signature: string;
  writer: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, "signature">;

export function signCheckpoint(key: string, c: UnsignedCheckpoint): string {
  const payload = JSON.stringify([
    "throughline-audit-checkpoint-v1",
    c.n,
    c.at.toISOString(),
    c.recordCount,
    c.headSeq,
    c.headHash,
    c.headMac,
    c.prevSignature,
    c.keyId,
    c.writer,
  ]);
  return createHmac("sha256", key).update(payload).digest("hex");
}

/** The line written to the file and the log: plain JSON, readable and re-checkable by hand. */
export function checkpointLine(c: Checkpoint): string {
  // Fields in one fixed order, so the same checkpoint always reads as the same line.
  const { n, at, recordCount, headSeq, headHash, headMac, prevSignature, keyId, writer, signature } = c;
  return JSON.stringify({
    n,
    at: at.toISOString(),
    recordCount,
    headSeq,
    headHash,
    headMac,
    prevSignature,
    keyId,
    writer,
    signature,
  });
}

/** Reads a checkpoint file; a missing file is no checkpoints, a garbled line is reported. */
export async function readCheckpointFile(
  file: string,
): Promise<{ checkpoints: Checkpoint[]; badLines: number[] }> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const checkpoints: Checkpoint[] = [];
  const badLines: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const parsed = parseLine(line);
    if (parsed) checkpoints.push(parsed);
    else badLines.push(i + 1);
  });
  return { checkpoints, badLines };
}

function parseLine(line: string): Checkpoint | null {
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    const numbers = ["n", "recordCount", "headSeq"] as const;
    const strings = ["headHash", "prevSignature", "keyId", "signature", "writer", "at"] as const;
    if (!numbers.every((k) => Number.isSafeInteger(v[k]))) return null;
    if (!strings.every((k) => typeof v[k] === "string")) return null;
    if (v.headMac !== null && typeof v.headMac !== "string") return null;
    const at = new Date(v.at as string);
    if (Number.isNaN(at.getTime())) return null;
    return { ...(v as unknown as Checkpoint), at };
  } catch {
    return null;
  }
}

export async function checkpointsInDatabase(sql: Sql): Promise<Checkpoint[]> {
  const rows = await sql<Record<string, string>[]>`
    select n::text, at, record_count::text, head_seq::text, head_hash, head_mac, prev_signature, key_id,
      signature, writer
    from audit_checkpoints order by audit_checkpoints.n`;
  return rows.map((r) => ({
    n: Number(r.n),
    at: new Date(r.at as unknown as Date),
    recordCount: Number(r.record_count),
    headSeq: Number(r.head_seq),
    headHash: r.head_hash!,
    headMac: r.head_mac ?? null,
    prevSignature: r.prev_signature!,
    keyId: r.key_id!,
    signature: r.signature!,
    writer: r.writer!,
  }));
}

export type CheckpointResult =
  | { written: Checkpoint }
  | { skipped: "unchanged" | "empty" | "another process is writing one" }
  /** The chain no longer holds the last checkpoint's head: signing it now would bless the tampering. */
  | { refused: string };

/**
 * Writes a checkpoint of the chain's committed head when it moved since the last one.
 * withTickLock makes one process at a time do it (a second one skips; the `n` primary key
 * would refuse a duplicate anyway). The file and log copies are written after the commit,
 * so they never hold a checkpoint the database rolled back; a file that cannot be written is
 * logged and the database copy stands.
 */
export async function writeCheckpoint(options: {
  sql: Sql;
  key: string;
  writer: string;
  file: string | null;
  log: (line: string) => void;
  now?: () => Date;
}): Promise<CheckpointResult> {
  const { sql, key, writer, log } = options;
  const keyId = auditKeyId(key);
  const result = await withTickLock(sql, "audit-checkpoint", async (tx) => {
    // Appenders hold the audit chain lock until they commit, so committed records are a prefix.
    const [head] = await tx<{ seq: string; hash: string; mac: string | null }[]>`
      select seq::text, hash, mac from audit_records order by audit_records.seq desc limit 1`;
    const [last] = await tx<
      { n: string; head_seq: string; head_hash: string; key_id: string; signature: string }[]
    >`
      select n::text, head_seq::text, head_hash, key_id, signature
      from audit_checkpoints order by audit_checkpoints.n desc limit 1`;
    if (last) {
      const [then] = await tx<{ hash: string }[]>`
        select hash from audit_records where audit_records.seq = ${Number(last.head_seq)}`;
      if (then?.hash !== last.head_hash)
        return {
          refused: `record #${last.head_seq} signed by checkpoint ${last.n} is ${then ? "another record now" : "gone"}: run npm run audit:verify`,
        } as CheckpointResult;
    }
    if (!head) return { skipped: "empty" } as CheckpointResult;
    if (last && Number(last.head_seq) === Number(head.seq) && last.key_id === keyId)
      return { skipped: "unchanged" } as CheckpointResult;
    const unsigned: UnsignedCheckpoint = {
      n: (last ? Number(last.n) : 0) + 1,
      at: new Date((options.now?.() ?? new Date()).getTime()),
      recordCount: Number(head.seq),
      headSeq: Number(head.seq),
      headHash: head.hash,
      headMac: head.mac,
      prevSignature: last?.signature ?? "",
      keyId,
      writer,
    };
    const checkpoint: Checkpoint = { ...unsigned, signature: signCheckpoint(key, unsigned) };
    await tx`
      insert into audit_checkpoints
        (n, at, record_count, head_seq, head_hash, head_mac, prev_signature, key_id, signature, writer)
      values (${checkpoint.n}, ${checkpoint.at.toISOString()}::timestamptz, ${checkpoint.recordCount}, ${checkpoint.headSeq},
        ${checkpoint.headHash}, ${checkpoint.headMac}, ${checkpoint.prevSignature}, ${keyId},
        ${checkpoint.signature}, ${writer})`;
    return { written: checkpoint } as CheckpointResult;
  });
  if (!result.ran) return { skipped: "another process is writing one" };
  const value = result.value;
  if ("refused" in value) log(`audit checkpoint REFUSED: ${value.refused}`);
  if ("written" in value) {
    const written = value.written;
    const line = checkpointLine(written);
    log(`audit checkpoint ${line}`);
    if (options.file) {
      await mkdir(path.dirname(options.file), { recursive: true })
        .then(() => appendFile(options.file!, `${line}\n`, { mode: 0o600 }))
        .catch((error: unknown) =>
          log(
            `audit checkpoint ${written.n}: could not append to ${options.file}: ${(error as Error).message}`,
          ),
        );
    }
  }
  return value;
}
