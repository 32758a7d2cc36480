import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPublicAddress, safeFetch, UnsafeDestinationError } from "./safe-fetch";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/redirect") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" }).end();
    } else if (req.url === "/big") {
      res.end("x".repeat(100_000));
    } else {
      res.end(`hello ${req.method}`);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe("safeFetch", () => {
  it("refuses non-public destinations unless allowed", async () => {
    for (const url of [
      `${base}/`,
      "http://10.0.0.1/",
      "http://169.254.169.254/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "ftp://example.com/",
    ]) {
      await expect(safeFetch(url, {}, { allowPrivate: false })).rejects.toBeInstanceOf(
        UnsafeDestinationError,
      );
    }
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    expect(isPublicAddress("192.168.1.1")).toBe(false);
    expect(isPublicAddress("100.64.0.1")).toBe(false);
  });

  it("fetches an allowed destination, returns a redirect without following it, caps the body", async () => {
    const ok = await safeFetch(`${base}/`, { method: "POST", body: "{}" }, { allowPrivate: true });
    expect([ok.status, ok.body]).toEqual([200, "hello POST"]);
    const redirect = await safeFetch(`${base}/redirect`, {}, { allowPrivate: true });
    expect(redirect.status).toBe(302);
    const big = await safeFetch(`${base}/big`, {}, { allowPrivate: true, maxBodyBytes: 1000 });
    expect([big.body.length, big.truncated]).toEqual([1000, true]);
  });
});
