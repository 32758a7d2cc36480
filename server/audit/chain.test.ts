import { describe, expect, it } from "vitest";
import { CHAIN_START, type ChainedFields, checkLink, GENESIS_HASH, hashRecord, macOf } from "./chain";

const base: ChainedFields = {
  seq: 1,
  atMicros: "1767323045678123",
  hashFormat: 2,
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
    // A change of one microsecond, which a JavaScript Date cannot even hold.
    expect(hashRecord({ ...base, atMicros: "1767323045678124" })).not.toBe(h);
    expect(hashRecord({ ...base, details: { b: 2, a: { d: [2, 1], c: "x" } } })).not.toBe(h);
  });

  it("names the first broken link: altered, unlinked, missing", () => {
    const first = { ...base, hash: hashRecord(base), sealed: false };
    const second = { ...base, seq: 2, prevHash: first.hash };
    const secondRow = { ...second, hash: hashRecord(second) };
    expect(checkLink(secondRow, first)).toBeNull();
    expect(checkLink(first, CHAIN_START)).toBeNull();
    expect(checkLink({ ...secondRow, reason: "changed" }, first)?.type).toBe("hash_mismatch");
    expect(checkLink({ ...secondRow, prevHash: GENESIS_HASH }, first)?.type).toBe("prev_mismatch");
    expect(checkLink({ ...secondRow, seq: 3 }, first)).toEqual({ type: "gap", seq: 3, expectedSeq: 2 });
  });
});

describe("hash formats and seals", () => {
  const v1 = { ...base, atMicros: "1767323045678000", hashFormat: 1 };
  const v1Row = { ...v1, hash: hashRecord(v1) };

  it("keeps verifying format-1 records (time to the millisecond) as they were written", () => {
    expect(checkLink(v1Row, CHAIN_START)).toBeNull();
    // The hash the code before format 2 computed for these fields (git show fc313a8~1:server/audit/chain.ts).
    expect(v1Row.hash).toBe("7dc8aa4ba7569de1e2aa67826aed3df983eab85d343d8c992adac6d4023e49ad");
    // Same fields, other format: another hash, so the format cannot be switched unseen.
    expect(hashRecord({ ...v1, hashFormat: 2 })).not.toBe(v1Row.hash);
  });

  it("refuses a format-1 record with microseconds, after format 2, or an unknown format", () => {
    expect(checkLink({ ...v1Row, atMicros: "1767323045678001" }, CHAIN_START)?.type).toBe("bad_format");
    const afterV2 = { ...CHAIN_START, hashFormat: 2 };
    expect(checkLink(v1Row, afterV2)?.type).toBe("bad_format");
    expect(checkLink({ ...v1Row, hashFormat: 3 }, CHAIN_START)?.type).toBe("bad_format");
  });

  it("checks seals with the key, and refuses an unsealed record after sealed ones even without it", () => {
    const row = { ...base, hash: hashRecord(base) };
    expect(checkLink({ ...row, mac: macOf("k", row.hash) }, CHAIN_START, "k")).toBeNull();
    expect(checkLink({ ...row, mac: macOf("other", row.hash) }, CHAIN_START, "k")?.type).toBe("bad_mac");
    expect(checkLink({ ...row, mac: null }, { ...CHAIN_START, sealed: true })?.type).toBe("unsigned");
    expect(checkLink({ ...row, mac: null }, CHAIN_START, "k")).toBeNull();
  });
});
