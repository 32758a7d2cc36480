/**
 * The postgres.js patch (patches/postgres+3.4.9.patch), the part that a killed database made
 * necessary: on every new connection postgres.js fetches the array types before running the
 * first query, and when the connection died during that fetch its promise rejected with nobody
 * listening — an unhandled rejection, which ends a Node process. `npm run chaos` lost a web
 * launcher to it when PostgreSQL was killed just as the launcher connected.
 *
 * A server that completes the start-up handshake, then hangs up on the first query and stops
 * listening makes the fetch fail (and the reconnect be refused). Unpatched, this test sees the unhandled rejection; patched, the
 * caller's query is refused with the connection's error and nothing else happens.
 */
import { createServer, type Server, type Socket } from "node:net";
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";

let server: Server;
let port = 0;
const sockets = new Set<Socket>();

/** AuthenticationOk, then ReadyForQuery (idle): the server's side of a trusted start-up. */
const READY = Buffer.from([
  ...[0x52, 0, 0, 0, 8, 0, 0, 0, 0], // 'R' AuthenticationOk
  ...[0x5a, 0, 0, 0, 5, 0x49], // 'Z' ReadyForQuery, status 'I'
]);

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    let started = false;
    socket.on("data", () => {
      // The first message is the start-up; the next one is the array types query: hang up.
      if (!started) {
        started = true;
        socket.write(READY);
      } else {
        // Gone for good: the reconnect postgres.js tries next is refused, which ends the query.
        server.close();
        socket.destroy();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  if (server.listening) await new Promise((resolve) => server.close(resolve));
});

it("refuses the query and leaves no unhandled rejection when the connection dies while it fetches the array types", async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", record);
  const sql = postgres({ host: "127.0.0.1", port, user: "u", database: "d", max: 1, connect_timeout: 5 });
  try {
    const outcome = await sql`select 1`.then(
      () => "answered",
      (error: { code?: string }) => error.code ?? "error",
    );
    expect(outcome).toMatch(/CONNECTION_CLOSED|ECONNRESET|ECONNREFUSED/);
    // Unhandled rejections are reported after the microtask queue drains: let two turns pass.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  } finally {
    process.off("unhandledRejection", record);
    await sql.end({ timeout: 1 });
  }
});
