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
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/db/free-port";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { eventually } from "@/test/eventually";
import { type Launched, launch } from "@/test/launcher";

/** A build check, migrations and Next's start on a busy 2-core box. */
const START_MS = 240_000;
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
  let t: TestDatabase;
  let dataDir: string;
  let port: number;
  let run: Launched;

  beforeAll(async () => {
    t = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), "tl-slow-"));
    port = await freePort();
    run = launch(["--only", "web"], {
      DATABASE_URL: t.url,
      PORT: String(port),
      THROUGHLINE_DATA_DIR: dataDir,
      THROUGHLINE_BOOTSTRAP_API_KEY: "tl_slow_test_key",
      THROUGHLINE_HEADERS_TIMEOUT_MS: "1000",
      THROUGHLINE_REQUEST_TIMEOUT_MS: "2000",
    });
    try {
      await eventually(() => expect(run.output()).toContain("Throughline is running"), {
        timeoutMs: START_MS,
        intervalMs: 250,
      });
    } catch (error) {
      run.child.kill("SIGTERM");
      throw new Error(`${(error as Error).message}\n--- launcher output ---\n${run.output().slice(-4_000)}`);
    }
  }, START_MS + 30_000);

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill("SIGTERM");
      await run.exited;
    }
    await t?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

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
