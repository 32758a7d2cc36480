/**
 * Issue 15 hole 10: the real web process (the launcher's `--only web`, through
 * scripts/web-server.ts) closes a connection whose headers or body arrive too slowly. Small
 * timeouts are set by environment; what is asserted is that the close happens while the
 * client is still trickling, not how long it took (Node's defaults held such a client for
 * 60 s on headers and 300 s on a body, past the deadline below).
 *
 * It needs a production build: npm test makes one first (scripts/test.ts); without one the
 * launcher would build.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchedWeb, launchWeb, WEB_START_MS } from "@/test/launcher";

/** Far above the 1–2 s timeouts set below, and below Node's own 60 s / 300 s. */
const CLOSE_DEADLINE_MS = 45_000;

interface Trickle {
  /** Settles when the server closes the connection, with what it answered (if anything). */
  closed: Promise<{ answer: string; bytesSent: number; stillSending: boolean }>;
}

/** Sends `head` at once, then `rest` one byte every 200 ms; stops when the server closes. */
function trickle(port: number, head: string, rest: string): Trickle {
  const socket = net.connect(port, "127.0.0.1");
  let answer = "";
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  socket.on("data", (chunk) => {
    answer += chunk.toString("latin1");
  });
  socket.on("connect", () => {
    socket.write(head);
    timer = setInterval(() => {
      if (sent < rest.length && !socket.destroyed) socket.write(rest[sent++]!);
    }, 200);
  });
  const closed = new Promise<{ answer: string; bytesSent: number; stillSending: boolean }>((resolve) => {
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ answer, bytesSent: sent, stillSending: sent < rest.length });
    });
  });
  return { closed };
}

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what}: still open after ${CLOSE_DEADLINE_MS} ms`)),
        CLOSE_DEADLINE_MS,
      ),
    ),
  ]);
}

describe.skipIf(process.platform !== "linux")("the web process and slow clients", () => {
  let web: LaunchedWeb;
  let port: number;

  beforeAll(async () => {
    web = await launchWeb({
      THROUGHLINE_BOOTSTRAP_API_KEY: "tl_slow_test_key",
      THROUGHLINE_HEADERS_TIMEOUT_MS: "1000",
      THROUGHLINE_REQUEST_TIMEOUT_MS: "2000",
    });
    port = web.port;
  }, WEB_START_MS + 30_000);
  afterAll(() => web?.close(), 60_000);

  it("answers a request sent at once (the control)", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(response.status).toBe(200);
  });

  it("closes a connection whose headers arrive a byte at a time", async () => {
    const { closed } = trickle(
      port,
      `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`,
      `x-slow: ${"a".repeat(2_000)}\r\n\r\n`,
    );
    const result = await withDeadline(closed, "slow headers");
    expect(result.stillSending).toBe(true);
    // Node answers 408 before closing; never a response to the unfinished request.
    expect(result.answer).not.toMatch(/^HTTP\/1\.1 200/);
  }, 60_000);

  it("closes a connection whose body arrives a byte at a time", async () => {
    const body = JSON.stringify({ type: "order.fulfill", input: { note: "x".repeat(2_000) } });
    const { closed } = trickle(
      port,
      [
        "POST /api/v1/operations HTTP/1.1",
        `Host: 127.0.0.1:${port}`,
        "Authorization: Bearer tl_slow_test_key",
        "Content-Type: application/json",
        `Content-Length: ${body.length}`,
        "",
        "",
      ].join("\r\n"),
      body,
    );
    const result = await withDeadline(closed, "slow body");
    expect(result.stillSending).toBe(true);
    expect(result.answer).not.toMatch(/^HTTP\/1\.1 20\d/);
  }, 60_000);
});
