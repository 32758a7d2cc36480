import { describe, expect, it } from "vitest";
import { type ChainedFields, checkLink, GENESIS_HASH, hashRecord } from "./chain";

const base: ChainedFields = {
  seq: 1,
  at: new Date("2026-01-02T03:04:05.678Z"),
  actorKind: "user",
  actorId: "u1",
  actorLabel: "ada@example.com",
  actorRole: "operator",
  action: "operation_resumed",
  operationId: "0190f5c4-0000-7000-8000-000000000001",
  step: null,
  workflowType: "order.fulfill",
  bulkActionId: null,
  reason: "Warehouse is back",
  statusBefore: "blocked",
  statusAfter: "processing",
  details: { b: 1, a: { d: [2, 1], c: "x" } },
  requestId: "r1",
  clientAddress: "10.0.0.1",
  prevHash: GENESIS_HASH,
};

describe("the audit hash chain", () => {
  it("hashes details independently of key order (jsonb reorders keys)", () => {
    const reordered = { ...base, details: { a: { c: "x", d: [2, 1] }, b: 1 } };
    expect(hashRecord(reordered)).toBe(hashRecord(base));
  });

  it("changes the hash when any covered field changes", () => {
    const h = hashRecord(base);
    expect(hashRecord({ ...base, reason: "Warehouse is back!" })).not.toBe(h);
    expect(hashRecord({ ...base, statusAfter: "completed" })).not.toBe(h);
    expect(hashRecord({ ...base, at: new Date(base.at.getTime() + 1) })).not.toBe(h);
    expect(hashRecord({ ...base, details: { b: 2, a: { d: [2, 1], c: "x" } } })).not.toBe(h);
  });

  it("names the first broken link: altered, unlinked, missing", () => {
    const first = { ...base, hash: hashRecord(base) };
    const second = { ...base, seq: 2, prevHash: first.hash };
    const secondRow = { ...second, hash: hashRecord(second) };
    expect(checkLink(secondRow, first)).toBeNull();
    expect(checkLink({ ...secondRow, reason: "changed" }, first)?.type).toBe("hash_mismatch");
    expect(checkLink({ ...secondRow, prevHash: GENESIS_HASH }, first)?.type).toBe("prev_mismatch");
    expect(checkLink({ ...secondRow, seq: 3 }, first)).toEqual({ type: "gap", seq: 3, expectedSeq: 2 });
  });
});
