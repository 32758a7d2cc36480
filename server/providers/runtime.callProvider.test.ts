import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PermanentError, TransientError } from "@/server/workflows/kit/errors";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { createProviders } from ".";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());
beforeEach(async () => {
  await t.db
    .$client`update sim_faults set latency_ms = 0, transient_error_rate = 0, permanent_error_rate = 0, lose_answer_rate = 0`;
});

const faults = (provider: string, set: Record<string, number>) =>
  t.db.$client`update sim_faults set ${t.db.$client(set)} where provider = ${provider}`;
const charge = (key: string, amountCents = 1000) =>
  createProviders({ db: t.db }).payments.charge({
    orderId: "ord_1",
    customerEmail: "c@example.com",
    amountCents,
    currency: "EUR",
    idempotencyKey: key,
  });
const chargesFor = async (key: string) =>
  (await t.db.$client`select count(*)::int as n from sim_effects where idempotency_key = ${key}`)[0]!.n;

describe("callProvider", () => {
  it("answers a repeated key with the first answer and applies nothing again", async () => {
    const first = await charge("k-repeat");
    const again = await charge("k-repeat");
    expect(again).toEqual(first);
    const rows = await t.db.$client`select id from sim_charges where id = ${first.chargeId}`;
    expect(rows).toHaveLength(1);
    expect(await chargesFor("k-repeat")).toBe(1);
  });

  it("applies concurrent calls with one key exactly once", async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => charge("k-concurrent")));
    expect(new Set(answers.map((a) => a.chargeId)).size).toBe(1);
    expect(await chargesFor("k-concurrent")).toBe(1);
  });

  it("an injected transient or permanent error applies nothing", async () => {
    await faults("payments", { transient_error_rate: 1 });
    await expect(charge("k-transient")).rejects.toBeInstanceOf(TransientError);
    await faults("payments", { transient_error_rate: 0, permanent_error_rate: 1 });
    await expect(charge("k-permanent")).rejects.toBeInstanceOf(PermanentError);
    expect(await chargesFor("k-transient")).toBe(0);
    expect(await chargesFor("k-permanent")).toBe(0);
  });

  it("a lost answer still applied the effect; the retry with the same key gets it", async () => {
    await faults("payments", { lose_answer_rate: 1 });
    await expect(charge("k-lost")).rejects.toMatchObject({ code: "answer_lost" });
    expect(await chargesFor("k-lost")).toBe(1);
    await faults("payments", { lose_answer_rate: 0 });
    const retried = await charge("k-lost");
    expect(retried.chargeId).toMatch(/^ch_/);
    expect(await chargesFor("k-lost")).toBe(1);
  });

  it("a permanent fault never refuses a key already applied: the repeat after a lost answer gets the first answer", async () => {
    await faults("payments", { lose_answer_rate: 1 });
    await expect(charge("k-lost-then-refused")).rejects.toMatchObject({ code: "answer_lost" });
    await faults("payments", { lose_answer_rate: 0, permanent_error_rate: 1 });
    const retried = await charge("k-lost-then-refused");
    expect(retried.chargeId).toMatch(/^ch_/);
    expect(await chargesFor("k-lost-then-refused")).toBe(1);
    // A key never applied is still refused.
    await expect(charge("k-fresh-refused")).rejects.toBeInstanceOf(PermanentError);
  });

  it("waits out the injected latency; an abort (the step's timeout) ends the wait with nothing applied", async () => {
    const send = (signal?: AbortSignal) =>
      createProviders({ db: t.db }).email.send({
        to: "a@example.com",
        subject: "s",
        body: "b",
        idempotencyKey: "k-slow",
        signal,
      });
    // Longer than any test runs: only the abort can end this wait.
    await faults("email", { latency_ms: 3_600_000 });
    const aborted = new AbortController();
    const waiting = send(aborted.signal);
    aborted.abort(new Error("step timed out"));
    await expect(waiting).rejects.toThrow("step timed out");
    expect(await chargesFor("k-slow")).toBe(0);

    await faults("email", { latency_ms: 150 });
    expect(await send()).toMatchObject({ messageId: expect.any(String) });
    expect(await chargesFor("k-slow")).toBe(1);
  });

  it("a business refusal is not recorded, so a later attempt is judged afresh", async () => {
    await expect(charge("k-declined", 900_000)).rejects.toMatchObject({ code: "card_declined" });
    expect(await chargesFor("k-declined")).toBe(0);
  });
});
