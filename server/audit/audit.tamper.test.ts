import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "@/db/transaction";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { GENESIS_HASH, hashRecord } from "./chain";
import { writeCheckpoint } from "./checkpoint";
import { type AuditChainRow, auditChainPage, verifyAuditChain } from "./verify";
import { appendAudit, NO_REQUEST, SYSTEM_ACTOR } from "./write";

/**
 * The detection table (issue 15 hole 5): every way someone who can rewrite the database but
 * does not hold the audit key might tamper with the history, at the first, a middle and the
 * last position, must make `verifyAuditChain` fail. The attacker here is a superuser who
 * switches the append-only triggers off and knows the hash code; the strongest variant is
 * used each time (re-linked SHA-256 hashes, every seal stripped so none is left to contradict).
 */
const KEY = "audit-key-for-the-tamper-table";
const RECORDS = 30;
const POSITIONS = { first: 1, middle: 15, last: RECORDS } as const;
type Position = keyof typeof POSITIONS;
/** Checkpoints were signed after records 10, 20 and 30. */
const CHECKPOINT_AT = { first: 10, middle: 20, last: 30 } as const;

let t: TestDatabase;
let dir: string;
let checkpointFile: string;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "tl-audit-"));
  checkpointFile = path.join(dir, "audit-checkpoints.jsonl");
  for (let i = 1; i <= RECORDS; i++) {
    await transaction(t.db, (tx) =>
      appendAudit(
        tx,
        {
          actor: SYSTEM_ACTOR,
          action: "operation_resumed",
          request: NO_REQUEST,
          reason: `record ${i}`,
          details: { i },
        },
        new Date(Date.UTC(2026, 11, 3, 9, 0, i)),
        KEY,
      ),
    );
    if (i % 10 === 0) {
      const written = await writeCheckpoint({
        sql: t.db.$client,
        key: KEY,
        writer: "test",
        file: checkpointFile,
        log: () => {},
      });
      expect(written).toHaveProperty("written.headSeq", i);
    }
  }
  const sql = t.db.$client;
  await sql`create table backup_records as select * from audit_records`;
  await sql`create table backup_checkpoints as select * from audit_checkpoints`;
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

/** What only a superuser can do: with triggers off (replica role), run `fn` in one transaction. */
function behindTheTriggers(fn: (tx: Sql) => Promise<unknown>): Promise<unknown> {
  return t.db.$client.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await fn(tx as unknown as Sql);
  });
}

async function restore(): Promise<void> {
  await behindTheTriggers(async (tx) => {
    await tx`delete from audit_records`;
    await tx`insert into audit_records select * from backup_records`;
    await tx`delete from audit_checkpoints`;
    await tx`insert into audit_checkpoints select * from backup_checkpoints`;
  });
}

async function allRows(): Promise<AuditChainRow[]> {
  return auditChainPage(t.db, 0, 10_000);
}

/** Replaces the whole table by `rows`; with `relink` recomputes every hash and strips every seal. */
async function rewrite(rows: AuditChainRow[], relink: boolean): Promise<void> {
  if (relink) {
    let prev = GENESIS_HASH;
    rows.forEach((row, i) => {
      row.seq = i + 1;
      row.prevHash = prev;
      row.hash = hashRecord(row);
      row.mac = null;
      prev = row.hash;
    });
  }
  await behindTheTriggers(async (tx) => {
    await tx`delete from audit_records`;
    for (const r of rows) {
      await tx`
        insert into audit_records (seq, at, hash_format, actor_kind, actor_id, actor_label, actor_role, action,
          reason, details, prev_hash, hash, mac)
        values (${r.seq}, timestamptz 'epoch' + (${r.atMicros} || ' microseconds')::interval, ${r.hashFormat},
          ${r.actorKind}, ${r.actorId}, ${r.actorLabel}, ${r.actorRole}, ${r.action}, ${r.reason},
          ${JSON.stringify(r.details)}::jsonb, ${r.prevHash}, ${r.hash}, ${r.mac})`;
    }
  });
}

/** Removes the database's checkpoints newer than the one signed at `keepUpTo` (the file keeps its copies). */
async function dropCheckpointsAfter(keepUpTo: number): Promise<void> {
  await behindTheTriggers((tx) => tx`delete from audit_checkpoints where head_seq > ${keepUpTo}`);
}

const at = (position: Position) => POSITIONS[position] - 1;

/** Each tamper, given a position. Tail cuts take the position as the newest checkpoint left in the database. */
const TAMPERS: Record<string, (position: Position) => Promise<void>> = {
  "alter one": async (p) => {
    const rows = await allRows();
    rows[at(p)]!.reason = "nothing happened";
    await rewrite(rows, false);
  },
  "alter time by 1 µs": async (p) => {
    const rows = await allRows();
    rows[at(p)]!.atMicros = (BigInt(rows[at(p)]!.atMicros) + 1n).toString();
    await rewrite(rows, false);
  },
  "delete one": async (p) => {
    const rows = await allRows();
    rows.splice(at(p), 1);
    await rewrite(rows, false);
  },
  "delete newest": async (p) => {
    await rewrite((await allRows()).slice(0, -1), false);
    await dropCheckpointsAfter(CHECKPOINT_AT[p]);
  },
  "delete newest five": async (p) => {
    await rewrite((await allRows()).slice(0, -5), false);
    await dropCheckpointsAfter(CHECKPOINT_AT[p]);
  },
  "delete all": async (p) => {
    await rewrite([], false);
    await dropCheckpointsAfter(CHECKPOINT_AT[p]);
  },
  "alter + re-chain": async (p) => {
    const rows = await allRows();
    rows[at(p)]!.reason = "nothing happened";
    await rewrite(rows, true);
  },
  "insert forged": async (p) => {
    const rows = await allRows();
    const forged = { ...rows[at(p)]!, reason: "approved by nobody", details: { forged: true } };
    // At the last position the forged record is appended after the real last one.
    rows.splice(p === "last" ? rows.length : at(p), 0, forged);
    await rewrite(rows, true);
  },
};

const table: string[][] = [];

describe("the audit chain's detection table", () => {
  it("verifies the untouched chain, anchored by its newest checkpoint (positive control)", async () => {
    const result = await verifyAuditChain({ db: t.db, key: KEY, checkpointFile });
    expect(result).toMatchObject({
      ok: true,
      checked: RECORDS,
      sealed: RECORDS,
      anchor: { checkpoint: 3, headSeq: RECORDS },
      keyChecked: true,
    });
  });

  for (const [name, tamper] of Object.entries(TAMPERS)) {
    it(`detects "${name}" at the first, a middle and the last position`, async () => {
      const row = [name];
      for (const position of Object.keys(POSITIONS) as Position[]) {
        await tamper(position);
        const withKey = await verifyAuditChain({ db: t.db, key: KEY, checkpointFile });
        const withoutKey = await verifyAuditChain({ db: t.db, key: null, checkpointFile });
        await restore();
        expect(withKey.ok, `${name} at ${position}`).toBe(false);
        row.push(
          `${withKey.ok ? "MISSED" : withKey.firstBroken.type}${withoutKey.ok ? " (no key: missed)" : ""}`,
        );
      }
      table.push(row);
      expect((await verifyAuditChain({ db: t.db, key: KEY, checkpointFile })).ok).toBe(true);
    });
  }

  it("is not fooled by deleting the database's checkpoints: the file's copies still count", async () => {
    await rewrite((await allRows()).slice(0, -5), false);
    await behindTheTriggers((tx) => tx`delete from audit_checkpoints`);
    const result = await verifyAuditChain({ db: t.db, key: KEY, checkpointFile });
    await restore();
    expect(result).toMatchObject({ ok: false, firstBroken: { type: "truncated", seq: 30, records: 25 } });
  });

  it("refuses a checkpoint not signed by the key", async () => {
    await behindTheTriggers((tx) => tx`update audit_checkpoints set signature = repeat('0', 64) where n = 2`);
    const result = await verifyAuditChain({ db: t.db, key: KEY, checkpointFile: null });
    await restore();
    expect(result).toMatchObject({ ok: false, firstBroken: { type: "bad_checkpoint", checkpoint: 2 } });
  });

  afterAll(() => {
    const widths = [20, 40, 40, 40];
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
    console.log(
      [
        `Audit detection table: ${RECORDS} sealed records, checkpoints signed at #10, #20, #30; positions #1, #15, #30.`,
        "Tail cuts: the position is the newest checkpoint left in the database (#10, #20, #30); the checkpoint file keeps all three.",
        "Each cell: the first problem verify names with the key, and whether a verify without the key would miss it.",
        line(["tamper", "first", "middle", "last"]),
        line(widths.map((w) => "-".repeat(w))),
        ...table.map(line),
      ].join("\n"),
    );
  });
});
