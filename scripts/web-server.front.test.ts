/**
 * Issue 14: the real web process (the launcher's `--only web`, through scripts/web-server.ts)
 * answers /api/v1 by its fast front (server/http/front.ts) — same contract, same per-key
 * limits — and hands everything else to Next.
 *
 * It needs a production build: npm test makes one first (scripts/test.ts); without one the
 * launcher would build.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVED_BY_FRONT, SERVED_BY_HEADER } from "@/server/http/front";
import { type LaunchedWeb, launchWeb, WEB_START_MS } from "@/test/launcher";

const KEY = "tl_front_test_key_0123456789";

describe("the web process's fast /api/v1 front", () => {
  let web: LaunchedWeb;
  let base: string;
  const auth = { authorization: `Bearer ${KEY}` };

  beforeAll(async () => {
    web = await launchWeb({
      THROUGHLINE_BOOTSTRAP_API_KEY: KEY,
      // A bucket of 6 starts: 4 are taken before the limit test, whose third start is refused.
      THROUGHLINE_RATE_INTAKE: "6/0.01",
    });
    base = web.base;
  }, WEB_START_MS + 30_000);
  afterAll(() => web?.close(), 60_000);

  it("serves POST and GET /api/v1/operations with the contract's answer, marked as the front's", async () => {
    const body = JSON.stringify({ type: "demo.noop", input: { note: "front" }, reference: "front-1" });
    const post = await fetch(`${base}/api/v1/operations`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "idempotency-key": "front-1" },
      body,
    });
    expect(post.status).toBe(202);
    expect(post.headers.get(SERVED_BY_HEADER)).toBe(SERVED_BY_FRONT);
    const created = (await post.json()) as { id: string; status: string };
    expect(post.headers.get("location")).toBe(`/api/v1/operations/${created.id}`);
    expect(post.headers.get("retry-after")).toBe("1");

    // The same key and request again: the same operation, replayed.
    const replay = await fetch(`${base}/api/v1/operations`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "idempotency-key": "front-1" },
      body,
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { id: string }).id).toBe(created.id);

    const get = await fetch(`${base}/api/v1/operations/${created.id}`, { headers: auth });
    expect(get.status).toBe(200);
    expect(get.headers.get(SERVED_BY_HEADER)).toBe(SERVED_BY_FRONT);
    expect(((await get.json()) as { id: string }).id).toBe(created.id);

    const list = await fetch(`${base}/api/v1/operations?limit=5`, { headers: auth });
    expect(list.headers.get(SERVED_BY_HEADER)).toBe(SERVED_BY_FRONT);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(created.id);
  });

  it("answers refusals as problem details: no key, a bad body, an unknown id", async () => {
    const anonymous = await fetch(`${base}/api/v1/workflows`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="throughline"');
    expect(anonymous.headers.get("content-type")).toBe("application/problem+json");
    expect(anonymous.headers.get(SERVED_BY_HEADER)).toBe(SERVED_BY_FRONT);

    const malformed = await fetch(`${base}/api/v1/operations`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { type: string }).type).toBe("/problems/malformed-json");

    const tooLarge = await fetch(`${base}/api/v1/operations`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ type: "demo.noop", input: { note: "x".repeat(300 * 1024) } }),
    });
    expect(tooLarge.status).toBe(413);

    const missing = await fetch(
      `${base}/api/v1/operations/${"0".repeat(8)}-0000-7000-8000-${"0".repeat(12)}`,
      {
        headers: auth,
      },
    );
    expect(missing.status).toBe(404);
    expect(missing.headers.get(SERVED_BY_HEADER)).toBe(SERVED_BY_FRONT);

    const document = await fetch(`${base}/api/v1/openapi.json`);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });

  it("hands every other request to Next", async () => {
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get(SERVED_BY_HEADER)).toBeNull();
    // A method no endpoint has: Next's own 405, as before the front.
    const put = await fetch(`${base}/api/v1/workflows`, { method: "PUT", headers: auth });
    expect(put.status).toBe(405);
    expect(put.headers.get(SERVED_BY_HEADER)).toBeNull();
  });

  it("keeps the per-key intake limit: past the bucket a 429 with Retry-After", async () => {
    const start = () =>
      fetch(`${base}/api/v1/operations`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ type: "demo.noop", input: { note: "limit" } }),
      });
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const res = await start();
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(refused, `statuses ${statuses.join(",")}`).toBeDefined();
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused!.headers.get(SERVED_BY_HEADER)).toBe(SERVED_BY_FRONT);
  });
});
