import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCallbackToken, verifyCallbackToken } from "./callback-token";

const SECRET = "test-secret-for-callback-tokens";
const binding = { waitId: randomUUID(), operationId: randomUUID(), step: "confirm_pickup" };

describe("callback tokens", () => {
  it("a genuine token gives back exactly its wait, operation and step", () => {
    expect(verifyCallbackToken(SECRET, createCallbackToken(SECRET, binding))).toEqual(binding);
  });

  it("a token signed with another secret is refused", () => {
    expect(verifyCallbackToken(SECRET, createCallbackToken("another-secret", binding))).toBeNull();
  });

  it("a truncated token is refused at every length", () => {
    const token = createCallbackToken(SECRET, binding);
    for (let n = 0; n < token.length; n++) expect(verifyCallbackToken(SECRET, token.slice(0, n))).toBeNull();
  });

  it("no single-character change anywhere verifies", () => {
    const token = createCallbackToken(SECRET, binding);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    let accepted = 0;
    for (let i = 0; i < token.length; i++)
      for (const c of alphabet) {
        if (c === token[i]) continue;
        if (verifyCallbackToken(SECRET, token.slice(0, i) + c + token.slice(i + 1))) accepted++;
      }
    expect(accepted).toBe(0);
  });

  it("another operation's payload under this token's signature is refused", () => {
    const [, signature] = createCallbackToken(SECRET, binding).split(".");
    const [otherPayload] = createCallbackToken(SECRET, { ...binding, operationId: randomUUID() }).split(".");
    expect(verifyCallbackToken(SECRET, `${otherPayload}.${signature}`)).toBeNull();
  });
});
