import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "@/server/services";
import { createTestDatabase, type TestDatabase } from "@/test/db";

/**
 * Issue 15 hole 7: "the same request" is the validated, normalised one — a default sent
 * explicitly or a field the schema drops does not make it another request.
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

const input = {
  orderId: "ord_same",
  customerEmail: "ada@example.com",
  items: [{ sku: "BOOK-1", quantity: 1 }],
  amountCents: 1200,
};

describe("IntakeService.call: same key, same normalised request", () => {
  it("replays when a default is sent explicitly or an ignored field is added", async () => {
    const call = (inp: object) =>
      services.intake.call({
        request: { type: "order.fulfill", input: inp },
        caller: "key:tl_test",
        idempotencyKey: "same-request-1",
      });
    const first = await call(input);
    expect(first.type).toBe("created");
    expect((await call({ ...input, currency: "EUR" })).type).toBe("replayed");
    expect((await call({ ...input, note: "ignored by the schema" })).type).toBe("replayed");
    expect((await call({ ...input, amountCents: 1300 })).type).toBe("idempotency_conflict");
  });
});

describe("IntakeService.call: numbers are bounded (issue 15 hole 4)", () => {
  it("refuses an amount past a 32-bit column with a field issue, before anything is written", async () => {
    const result = await services.intake.call({
      request: { type: "order.fulfill", input: { ...input, orderId: "ord_big", amountCents: 2147483648 } },
      caller: "key:tl_test",
    });
    expect(result).toMatchObject({ type: "invalid_input", issues: [{ pointer: "/input/amountCents" }] });
  });
});
