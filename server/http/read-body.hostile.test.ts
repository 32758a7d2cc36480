import { describe, expect, it } from "vitest";
import { readJsonBody } from "./read-body";

/** Issue 15 hole 3: hostile bodies are a 400 problem naming the field, never a 500. */
const post = (text: string) =>
  new Request("http://x/api/v1/operations", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: text,
  });

async function refusal(text: string) {
  const result = await readJsonBody(post(text));
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error("accepted");
  expect(result.response.status).toBe(400);
  return (await result.response.json()) as { type: string; errors?: { pointer: string }[] };
}

describe("readJsonBody on hostile input", () => {
  it("refuses JSON nested 5,000 levels deep", async () => {
    const body = await refusal(`{"input":${"[".repeat(5000)}${"]".repeat(5000)}}`);
    expect(body.type).toBe("/problems/invalid-request");
  });
  it("refuses a NUL character, naming the field", async () => {
    const body = await refusal(JSON.stringify({ input: { orderId: "a\u0000b" } }));
    expect(body.errors).toEqual([expect.objectContaining({ pointer: "/input/orderId" })]);
  });
  it("refuses a lone surrogate, naming the field (also in a key)", async () => {
    const body = await refusal('{"input":{"items":[{"sku":"\\ud800"}]}}');
    expect(body.errors).toEqual([expect.objectContaining({ pointer: "/input/items/0/sku" })]);
    await refusal('{"input":{"\\udc00":1}}');
  });
  it("still accepts ordinary text, emoji included", async () => {
    const result = await readJsonBody(post(JSON.stringify({ input: { note: "ok 🚚 ünïcode" } })));
    expect(result.ok).toBe(true);
  });
});
