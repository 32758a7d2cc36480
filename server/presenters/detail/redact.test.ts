import { describe, expect, it } from "vitest";
import { REDACTED, redact } from "./redact";

describe("redact", () => {
  it("hides sensitive keys at any depth and keeps the rest", () => {
    expect(
      redact({
        orderId: "ord_1",
        cardNumber: "4242424242424242",
        payment: { iban: "DE89 3704", holder: "Ada", CVC: "123" },
        items: [{ sku: "A", apiKey: "k" }],
        password: null,
        accessToken: "t",
      }),
    ).toEqual({
      orderId: "ord_1",
      cardNumber: REDACTED,
      payment: { iban: REDACTED, holder: "Ada", CVC: REDACTED },
      items: [{ sku: "A", apiKey: REDACTED }],
      password: null,
      accessToken: REDACTED,
    });
  });

  it("hides a whole object under a sensitive key", () => {
    expect(redact({ card: { last4: "4242", number: "x" } })).toEqual({ card: REDACTED });
  });

  it("leaves scalars and nulls alone", () => {
    expect(redact("secret")).toBe("secret");
    expect(redact(null)).toBeNull();
    expect(redact(3)).toBe(3);
  });
});
