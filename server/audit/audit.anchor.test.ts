import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "@/db/transaction";
import type { CompanionContext } from "@/server/engine/worker";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { type ChainedFields, GENESIS_HASH, hashRecord } from "./chain";
import { checkpointLine, checkpointsInDatabase, writeCheckpoint } from "./checkpoint";
import { AUDIT_CHECKPOINT_FILE_ENV, AUDIT_KEY_ENV } from "./key";
import { verifyAuditChain } from "./verify";
import { auditWork } from "./work";
import { appendAudit, NO_REQUEST, SYSTEM_ACTOR } from "./write";

const KEY = "audit-key-for-the-anchor-tests";
let t: TestDatabase;
let dir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "tl-anchor-"));
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

const append = (reason: string, key: string | null = KEY) =>
  transaction(t.db, (tx) =>
    appendAudit(
      tx,
      { actor: SYSTEM_ACTOR, action: "operation_resumed", request: NO_REQUEST, reason },
      undefined,
      key,
    ),
  );

describe("anchoring the audit chain", () => {
  it("keeps verifying a chain written before format 2, continued with sealed format-2 records", async () => {
    // Three records exactly as the code before the anchor wrote them: format 1, no seal.
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const fields: ChainedFields = {
        seq,
        atMicros: (BigInt(Date.UTC(2026, 0, 1, 0, 0, seq, 123)) * 1000n).toString(),
        hashFormat: 1,
        actorKind: "system",
        actorId: "system",
        actorLabel: "system",
        actorRole: "system",
        action: "operation_resumed",
        operationId: null,
        step: null,
        workflowType: null,
        bulkActionId: null,
        reason: `legacy ${seq}`,
        statusBefore: null,
        statusAfter: null,
        details: null,
        requestId: null,
        clientAddress: null,
        prevHash: prev,
      };
      const hash = hashRecord(fields);
      await t.db.$client`
        insert into audit_records (seq, at, actor_kind, actor_id, actor_label, actor_role, action, reason, prev_hash, hash)
        values (${seq}, ${new Date(Number(BigInt(fields.atMicros) / 1000n)).toISOString()}::timestamptz,
          'system', 'system', 'system', 'system', 'operation_resumed', ${fields.reason}, ${prev}, ${hash})`;
      prev = hash;
    }
    await append("after the upgrade");
    await append("and again");
    const [row] = await t.db.$client`select hash_format, mac from audit_records where seq = 1`;
    expect(row).toMatchObject({ hash_format: 1, mac: null });
    expect(await verifyAuditChain({ db: t.db, key: KEY, checkpointFile: null })).toMatchObject({
      ok: true,
      checked: 5,
      sealed: 2,
      anchor: null,
    });
  });

  it("writes one checkpoint per new head, however many processes try at once, the same in the file", async () => {
    const file = path.join(dir, "concurrent.jsonl");
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        writeCheckpoint({ sql: t.db.$client, key: KEY, writer: `w${i}`, file, log: () => {} }),
      ),
    );
    expect(results.filter((r) => "written" in r)).toHaveLength(1);
    expect(await writeCheckpoint({ sql: t.db.$client, key: KEY, writer: "w1", file, log: () => {} })).toEqual(
      {
        skipped: "unchanged",
      },
    );
    const stored = await checkpointsInDatabase(t.db.$client);
    expect(stored).toMatchObject([{ n: 1, recordCount: 5, headSeq: 5 }]);
    expect((await readFile(file, "utf8")).trim()).toBe(checkpointLine(stored[0]!));
  });

  it("refuses a record appended after the newest checkpoint without a valid seal", async () => {
    const sql = t.db.$client;
    const [head] = await sql<{ hash: string }[]>`select hash from audit_records where seq = 5`;
    const forged: ChainedFields = {
      seq: 6,
      atMicros: (BigInt(Date.now()) * 1000n).toString(),
      hashFormat: 2,
      actorKind: "system",
      actorId: "system",
      actorLabel: "system",
      actorRole: "system",
      action: "operation_resumed",
      operationId: null,
      step: null,
      workflowType: null,
      bulkActionId: null,
      reason: "forged after the checkpoint",
      statusBefore: null,
      statusAfter: null,
      details: null,
      requestId: null,
      clientAddress: null,
      prevHash: head!.hash,
    };
    const hash = hashRecord(forged);
    for (const [mac, expected] of [
      [null, "unsigned"],
      ["f".repeat(64), "bad_mac"],
    ] as const) {
      await sql`
        insert into audit_records (seq, at, hash_format, actor_kind, actor_id, actor_label, actor_role, action,
          reason, prev_hash, hash, mac)
        values (6, timestamptz 'epoch' + (${forged.atMicros} || ' microseconds')::interval, 2, 'system', 'system',
          'system', 'system', 'operation_resumed', ${forged.reason}, ${forged.prevHash}, ${hash}, ${mac})`;
      const result = await verifyAuditChain({ db: t.db, key: KEY, checkpointFile: null });
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`delete from audit_records where seq = 6`;
      });
      expect(result).toMatchObject({ ok: false, firstBroken: { type: expected, seq: 6 } });
    }
    expect((await verifyAuditChain({ db: t.db, key: KEY, checkpointFile: null })).ok).toBe(true);
  });

  it("refuses to sign a chain that no longer holds the last checkpoint's head", async () => {
    const sql = t.db.$client;
    const lines: string[] = [];
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`create table kept as select * from audit_records where seq = 5`;
      await tx`delete from audit_records where seq = 5`;
    });
    try {
      const result = await writeCheckpoint({
        sql,
        key: KEY,
        writer: "w",
        file: null,
        log: (l) => lines.push(l),
      });
      expect(result).toEqual({
        refused: expect.stringContaining("record #5 signed by checkpoint 1 is gone"),
      });
      expect(lines).toEqual([expect.stringContaining("audit checkpoint REFUSED")]);
    } finally {
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`insert into audit_records select * from kept`;
        await tx`drop table kept`;
      });
    }
    expect(await checkpointsInDatabase(sql)).toHaveLength(1);
  });

  it("the worker companion signs the head as it moves, into the database, the file and its log", async () => {
    const file = path.join(dir, "companion.jsonl");
    const saved = { ...process.env };
    process.env[AUDIT_KEY_ENV] = KEY;
    process.env[AUDIT_CHECKPOINT_FILE_ENV] = file;
    process.env.THROUGHLINE_AUDIT_CHECKPOINT_MS = "50";
    const lines: string[] = [];
    const companion = await auditWork({
      db: t.db,
      workerId: "companion-test",
      log: (line: string) => lines.push(line),
    } as unknown as CompanionContext);
    try {
      await append("seen by the companion");
      await eventually(async () =>
        expect(await checkpointsInDatabase(t.db.$client)).toContainEqual(
          expect.objectContaining({ headSeq: 6, writer: "companion-test" }),
        ),
      );
    } finally {
      await companion.stop();
      process.env = saved;
    }
    const stored = await checkpointsInDatabase(t.db.$client);
    const fileLines = (await readFile(file, "utf8")).trim().split("\n");
    expect(fileLines).toContain(checkpointLine(stored.at(-1)!));
    expect(lines).toContain(`audit checkpoint ${checkpointLine(stored.at(-1)!)}`);
    expect(await verifyAuditChain({ db: t.db, key: KEY, checkpointFile: file })).toMatchObject({
      ok: true,
      anchor: { headSeq: 6 },
    });
  });
});
