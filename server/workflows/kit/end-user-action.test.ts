import { describe, expect, it } from "vitest";
import { z } from "zod";
import { orderFulfill } from "../order-fulfill";
import {
  checkEndUserAction,
  type EndUserAction,
  endUserAnswerSchema,
  endUserFormView,
} from "./end-user-action";
import { endUserWait, statusText } from "./status-text";

const action: EndUserAction = {
  title: "Confirm your delivery address",
  submitText: "Confirm address",
  waitingFor: "confirm the delivery address",
  fields: { city: { label: "Town or city", schema: z.string().trim().min(1).max(100) } },
};

describe("an end-user form", () => {
  it("takes exactly its declared fields (strict) and each field's schema decides its value", () => {
    const schema = endUserAnswerSchema(action);
    expect(schema.safeParse({ city: " Leeds " })).toEqual({ success: true, data: { city: "Leeds" } });
    expect(schema.safeParse({ city: "Leeds", note: "x" }).success).toBe(false);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ city: "" }).success).toBe(false);
  });

  it("shows the end user its words only", () => {
    expect(endUserFormView(action)).toEqual({
      title: "Confirm your delivery address",
      submitText: "Confirm address",
      fields: [{ name: "city", label: "Town or city", help: null, autoComplete: null }],
    });
  });

  it("is checked by workflows:check: words for the end user, labels, bounded schemas", () => {
    expect(checkEndUserAction({ endUserAction: action, userActionText: "confirm your address" })).toEqual([]);
    expect(checkEndUserAction({ endUserAction: action })).toEqual([
      "has an end-user form (endUserAction) but no words for what the end user must do (userActionText)",
    ]);
    const unbounded = { ...action, fields: { city: { label: "", schema: z.string() } } };
    expect(checkEndUserAction({ endUserAction: unbounded, userActionText: "x" })).toEqual([
      'has an end-user field "city" without a label',
      'has an end-user field "city" whose schema accepts more than 500 characters',
    ]);
  });
});

describe("whose move it is at a step with an end-user form", () => {
  const blocked = { status: "blocked" as const, currentStep: "charge_payment" };
  it("is the end user's only while the block waits for their answer", () => {
    expect(endUserWait(orderFulfill, { ...blocked, blockedKind: "awaiting_end_user" })).toMatchObject({
      on: "you",
    });
    expect(statusText(orderFulfill, { ...blocked, blockedKind: "awaiting_end_user" })).toBe(
      "Action needed: confirm your delivery address, so we can take payment and send your order.",
    );
    // The same step blocked on us (its retries ran out): not theirs, no form.
    expect(endUserWait(orderFulfill, { ...blocked, blockedKind: "retries_exhausted" })).toMatchObject({
      on: "us",
    });
    expect(endUserWait(orderFulfill, { ...blocked, blockedKind: "precondition_failed" })).toMatchObject({
      on: "us",
    });
  });
});
