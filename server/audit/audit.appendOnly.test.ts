import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "@/db/transaction";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { verifyAuditChain } from "./verify";
import { appendAudit, NO_REQUEST, SYSTEM_ACTOR } from "./write";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  // Twenty writers at once: the advisory lock keeps the chain gapless and linked.
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      transaction(t.db, (tx) =>
        appendAudit(tx, {
          actor: SYSTEM_ACTOR,
          action: "operation_resumed",
          request: NO_REQUEST,
          reason: `concurrent writer ${i}`,
          details: { i, nested: { b: [1, 2], a: "x" } },
        }),
      ),
    ),
  );
});
afterAll(() => t.drop());

describe("the audit history", () => {
  it("chains concurrent writers into one valid, gapless chain", async () => {
    const result = await verifyAuditChain({ db: t.db, pageSize: 7 });
    expect(result).toMatchObject({ ok: true, checked: 20, head: { seq: 20 } });
  });

  it("refuses UPDATE, DELETE and TRUNCATE, whoever asks", async () => {
    const sql = t.db.$client;
    await expect(sql`update audit_records set reason = 'nothing happened' where seq = 3`).rejects.toThrow(
      /append-only: UPDATE is not allowed/,
    );
    await expect(sql`delete from audit_records where seq = 3`).rejects.toThrow(
      /append-only: DELETE is not allowed/,
    );
    await expect(sql`truncate audit_records`).rejects.toThrow(/append-only: TRUNCATE is not allowed/);
    expect((await verifyAuditChain({ db: t.db })).ok).toBe(true);
  });

  it("names the first broken link when a row is altered behind the trigger's back", async () => {
    const sql = t.db.$client;
    // What only a superuser can do: switch the guard off, rewrite history, switch it on.
    await sql.unsafe("alter table audit_records disable trigger audit_records_no_update_delete");
    await sql`update audit_records set reason = 'rewritten' where seq = 7`;
    await sql`update audit_records set reason = 'rewritten too' where seq = 12`;
    await sql.unsafe("alter table audit_records enable trigger audit_records_no_update_delete");
    const result = await verifyAuditChain({ db: t.db, pageSize: 5 });
    expect(result).toMatchObject({
      ok: false,
      checked: 6,
      firstBroken: { type: "hash_mismatch", seq: 7 },
      message: "Record #7 was altered: its contents no longer match its hash.",
    });
  });

  it("notices a removed record (before the altered ones it comes first)", async () => {
    const sql = t.db.$client;
    await sql.unsafe("alter table audit_records disable trigger audit_records_no_update_delete");
    await sql`delete from audit_records where seq = 4`;
    await sql.unsafe("alter table audit_records enable trigger audit_records_no_update_delete");
    const result = await verifyAuditChain({ db: t.db });
    expect(result).toMatchObject({ ok: false, firstBroken: { type: "gap", seq: 5, expectedSeq: 4 } });
  });
});
