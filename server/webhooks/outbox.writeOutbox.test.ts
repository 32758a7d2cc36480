import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "@/db/transaction";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { writeOutbox } from "./outbox";

let t: TestDatabase;
let endpoint: string;

beforeAll(async () => {
  t = await createTestDatabase();
  endpoint = randomUUID();
  await t.db.$client`insert into webhook_endpoints (id, url, event_types, secret)
    values (${endpoint}, 'http://127.0.0.1:1/hook',
      ${["operation.status_changed", "operation.blocked", "alert.firing"]}, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')`;
});
afterAll(() => t?.drop());

async function newOperation(): Promise<string> {
  const id = randomUUID();
  await t.db.$client`insert into operations (id, type, version, input, submitted_by, request_hash, trace_id)
    values (${id}, 'demo.noop', 1, '{}', 'key:test', 'h', ${"a".repeat(32)})`;
  return id;
}
const outboxOf = (id: string) =>
  t.db.$client<
    { type: string; data: { status: string } }[]
  >`select type, data from webhook_outbox where operation_id = ${id} order by id`;
const deliveriesOf = (id: string) =>
  t.db.$client<
    { endpoint_id: string; status: string }[]
  >`select endpoint_id, status::text from webhook_deliveries where operation_id = ${id}`;

describe("the outbox", () => {
  it("writes no event for a rolled-back status change and one for every committed one", async () => {
    const id = await newOperation();
    await expect(
      transaction(t.db, async (tx) => {
        await tx.sql`update operations set status = 'processing' where id = ${id}`;
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await outboxOf(id)).toEqual([]);

    await transaction(t.db, (tx) => tx.sql`update operations set status = 'processing' where id = ${id}`);
    await transaction(t.db, (tx) => tx.sql`update operations set status = 'processing' where id = ${id}`); // no change
    await transaction(
      t.db,
      (tx) =>
        tx.sql`update operations set status = 'blocked', blocked_kind = 'retries_exhausted' where id = ${id}`,
    );
    const rows = await outboxOf(id);
    expect(rows.map((r) => [r.type, r.data.status])).toEqual([
      ["operation.status_changed", "processing"],
      ["operation.status_changed", "blocked"],
      ["operation.blocked", "blocked"],
    ]);
    // Fanned out to the endpoint that wants them, in the same transaction.
    expect(await deliveriesOf(id)).toEqual(rows.map(() => ({ endpoint_id: endpoint, status: "pending" })));
  });

  it("writeOutbox leaves with the caller's commit only", async () => {
    const alertOp = randomUUID();
    await expect(
      transaction(t.db, async (tx) => {
        await writeOutbox(tx, [
          { type: "alert.firing", operationId: alertOp, workflowType: "demo.noop", data: { rule: "stuck" } },
        ]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow();
    expect(await outboxOf(alertOp)).toEqual([]);
    await transaction(t.db, (tx) =>
      writeOutbox(tx, [
        { type: "alert.firing", operationId: alertOp, workflowType: "demo.noop", data: { rule: "stuck" } },
      ]),
    );
    expect((await outboxOf(alertOp)).map((r) => r.type)).toEqual(["alert.firing"]);
  });

  it("writes nothing when no enabled endpoint wants the event", async () => {
    const other = randomUUID();
    await transaction(t.db, (tx) =>
      writeOutbox(tx, [{ type: "alert.resolved", operationId: other, data: {} }]),
    );
    expect(await outboxOf(other)).toEqual([]);
  });
});
