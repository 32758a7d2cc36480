/**
 * The mixed load: what each request asks for, drawn from the sample workflows with a
 * seeded generator. Every request is valid; some are meant to end badly (a card over its
 * limit fails and is compensated, a high-risk applicant blocks for a person).
 */
/**
 * Many SKUs: the warehouse locks a stock row per line while it reserves, so a handful of hot
 * rows turns the run into a lock queue (with 8 SKUs, reservations waited on each other for
 * 20 s and more, and the backlog did not drain) instead of a test of Throughline.
 */
export const CHAOS_SKUS = Array.from({ length: 64 }, (_, i) => `CHAOS-${i + 1}`);
/** Enough that no order of the run waits for stock: stock accounting is checked, not exhausted. */
export const CHAOS_STOCK = 1_000_000;

export interface Intent {
  /** The Idempotency-Key of every attempt of this request. */
  key: string;
  type: string;
  input: Record<string, unknown>;
}

export function nextIntent(n: number, random: () => number): Intent {
  const key = `chaos-${n}`;
  const pick = random();
  if (pick < 0.45) {
    const lines = 1 + Math.floor(random() * 3);
    const skus = new Set(
      Array.from({ length: lines }, () => CHAOS_SKUS[Math.floor(random() * CHAOS_SKUS.length)]!),
    );
    // 1 in 50 over the card limit (500,000 cents): declined, stock released.
    const amountCents = random() < 0.02 ? 600_000 + n : 100 + Math.floor(random() * 50_000);
    return {
      key,
      type: "order.fulfill",
      input: {
        orderId: `ord_chaos_${n}`,
        customerEmail: `customer${n}@example.com`,
        items: [...skus].map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 3) })),
        amountCents,
      },
    };
  }
  if (pick < 0.65) {
    // 1 in 10 high risk: blocked until a compliance officer decides (nobody does here).
    const risk = random() < 0.1 ? "highrisk" : "lowrisk";
    return {
      key,
      type: "account.verify",
      input: {
        accountId: `acct_chaos_${n}`,
        email: `applicant${n}+${risk}@example.com`,
        country: "GB",
        documents: ["passport", "selfie"],
      },
    };
  }
  if (pick < 0.75) {
    return {
      key,
      type: "report.export",
      input: { report: "orders", rows: 100 + Math.floor(random() * 2_000) },
    };
  }
  return { key, type: "demo.noop", input: { note: `chaos ${n}` } };
}
