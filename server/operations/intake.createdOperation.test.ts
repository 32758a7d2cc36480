import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";

/**
 * Issue 14: intake answers with the operation as its transaction wrote it (the inserts'
 * `returning`), not with a read after the commit. That answer must be exactly what a reader
 * gets — every column, dates as dates, steps in order — for each of many intakes that share
 * one batch. No worker runs here, so the rows are still as written when read.
 */
let t: TestDatabase;
let services: Services;
beforeAll(async () => {
  t = await createTestDatabase();
  services = createServices({ db: t.db });
});
afterAll(async () => {
  await services.close();
  await t.drop();
});

describe("IntakeService.call: the created operation", () => {
  it("is what the operation presenter reads, for every intake of a shared batch", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        services.intake.call({
          request: {
            type: "order.fulfill",
            input: {
              orderId: `ord_written_${i}`,
              customerEmail: "ada@example.com",
              items: [{ sku: "BOOK-1", quantity: i + 1 }],
              amountCents: 1200 + i,
            },
            subject: "ada@example.com",
            reference: `ord_written_${i}`,
          },
          caller: "key:tl_test",
          idempotencyKey: i % 2 === 0 ? `written-${i}` : null,
          traceId: i === 0 ? "0af7651916cd43dd8448eb211c80319c" : null,
        }),
      ),
    );
    for (const result of results) {
      if (result.type !== "created") throw new Error(`expected created, got ${result.type}`);
      const read = await services.presenters.operation.call(result.operationId);
      expect(result.operation).toEqual(read);
      expect(result.operation.createdAt).toBeInstanceOf(Date);
      expect(result.operation.status).toBe("accepted");
      expect(result.operation.steps.length).toBeGreaterThan(1);
    }
    expect(results[0]!.type === "created" && results[0]!.operation.traceId).toBe(
      "0af7651916cd43dd8448eb211c80319c",
    );
  });
});
