/**
 * The web process: Next's request handler on a node:http server whose timeouts fit an API
 * (issue 15 hole 10). `next start` kept Node's defaults, so a client sending its headers or
 * body a byte at a time held a connection for up to 300 s; here a request must arrive whole
 * within seconds. The launcher (scripts/start.ts) runs this file for production and dev:
 * `node --import tsx scripts/web-server.ts [--dev]`, PORT from the environment.
 *
 * Every request also carries the socket's own address in PEER_ADDRESS_HEADER (whatever a
 * client sent under that name is dropped first): the one client address nobody can claim.
 *
 * The public `/api/v1` endpoints are answered by the fast front (server/http/front.ts) before
 * Next sees them, with the same Request → Response functions; THROUGHLINE_API_FRONT=0 sends
 * them through Next's route handlers instead (the benchmark's "before").
 */

import http, { type IncomingMessage, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PEER_ADDRESS_HEADER } from "@/server/auth/request-meta";
import { answerHelp } from "./lib/usage";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface WebServerTimeouts {
  /** The request line and every header must have arrived within this (Node: headersTimeout). */
  headersMs: number;
  /** The whole request, body included (Node: requestTimeout): a slow body is cut here. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this (Node: keepAliveTimeout). */
  keepAliveMs: number;
  /** How often Node looks for connections past headersMs/requestMs (its default is 30 s). */
  checkIntervalMs: number;
}

/**
 * Defaults for an API behind nothing: a client on a slow phone line sends a 256 KiB body (the
 * largest accepted, THROUGHLINE_BODY_LIMIT_BYTES) well within 30 s; headers are a few hundred
 * bytes. Responses are not bounded here (live pages stream for as long as they are open).
 */
export const DEFAULT_TIMEOUTS: WebServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkIntervalMs: 1_000,
};

/** THROUGHLINE_HEADERS_TIMEOUT_MS, THROUGHLINE_REQUEST_TIMEOUT_MS, THROUGHLINE_KEEP_ALIVE_TIMEOUT_MS. */
export function timeoutsFromEnv(env: Record<string, string | undefined> = process.env): WebServerTimeouts {
  const read = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    const ms = Number(value);
    if (!Number.isInteger(ms) || ms <= 0)
      throw new Error(`${name} must be a positive integer (ms), not "${value}"`);
    return ms;
  };
  const headersMs = read("THROUGHLINE_HEADERS_TIMEOUT_MS", DEFAULT_TIMEOUTS.headersMs);
  // Node refuses a request timeout shorter than the headers timeout.
  const requestMs = Math.max(headersMs, read("THROUGHLINE_REQUEST_TIMEOUT_MS", DEFAULT_TIMEOUTS.requestMs));
  return {
    headersMs,
    requestMs,
    keepAliveMs: read("THROUGHLINE_KEEP_ALIVE_TIMEOUT_MS", DEFAULT_TIMEOUTS.keepAliveMs),
    checkIntervalMs: Math.min(DEFAULT_TIMEOUTS.checkIntervalMs, Math.ceil(headersMs / 2)),
  };
}

/**
 * Replaces any client-sent PEER_ADDRESS_HEADER with the socket's address, in both views Node
 * keeps of the headers (Next builds its Request from them).
 */
export function stampPeerAddress(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]!.toLowerCase() === PEER_ADDRESS_HEADER) raw.splice(i, 2);
  }
  delete req.headers[PEER_ADDRESS_HEADER];
  const address = req.socket.remoteAddress;
  if (!address) return;
  req.headers[PEER_ADDRESS_HEADER] = address;
  raw.push(PEER_ADDRESS_HEADER, address);
}

export interface WebServerOptions {
  dev: boolean;
  port: number;
  hostname?: string;
  timeouts?: WebServerTimeouts;
  dir?: string;
  /** Serve /api/v1 with the fast front (default); false: every request goes to Next. */
  front?: boolean;
}

export interface WebServer {
  server: Server;
  /** Stops listening, ends open connections (keep-alive, live streams), then stops Next (its dev bundler). */
  close(): Promise<void>;
}

/** Prepares Next (a production build, or the dev bundler), then listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const hostname = options.hostname;
  // As `next start|dev` sets it, before Next is loaded (React picks its build from it).
  (process.env as Record<string, string>).NODE_ENV = options.dev ? "development" : "production";
  const { default: next } = await import("next");
  const server = http.createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  });
  const app = next({
    dev: options.dev,
    dir: options.dir ?? ROOT,
    hostname: hostname ?? "localhost",
    port: options.port,
    // Dev: Next listens for the HMR websocket upgrades on this server.
    httpServer: server,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  const front = options.front === false ? null : await frontServices();
  server.on("request", (req, res) => {
    stampPeerAddress(req);
    const answered = front ? front.serve(req, res) : Promise.resolve(false);
    answered
      .then((done) => (done ? undefined : handle(req, res)))
      .catch((error: unknown) => {
        console.error(`[web] request failed: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // No hostname: every interface, as `next start` listens.
    server.listen(options.port, hostname, () => resolve());
  });
  return {
    server,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await front?.close();
      await app.close();
    },
  };
}

/**
 * The front's services: its own instance from createServices (Next's bundle holds another in
 * app/_lib/services.ts — a separate module graph, whose objects this one's code must not mix
 * with). Built on the first API request, over its own pool of DB_POOL_MAX connections. Only what
 * /api/v1 uses is ever started here (intake's job producer on first start, no live hub).
 */
async function frontServices() {
  const [{ databaseFromEnv }, { createServices }, { apiFront }] = await Promise.all([
    import("@/db/client"),
    import("@/server/services"),
    import("@/server/http/front"),
  ]);
  type Built = ReturnType<typeof createServices>;
  let services: Built | undefined;
  const serve = apiFront(() => {
    services ??= createServices(databaseFromEnv());
    return services;
  });
  return {
    serve,
    close: async () => {
      if (!services) return;
      await services.close();
      await services.db.$client.end({ timeout: 5 });
    },
  };
}

async function main(): Promise<void> {
  // Before Next loads: intake spans of /api/v1 (the front) and of Next's handlers (tRPC), when
  // OTEL_EXPORTER_OTLP_ENDPOINT is set. One provider per process, reached through the global API.
  const { startTracing } = await import("@/server/telemetry/tracing-setup");
  const tracing = startTracing({ defaultServiceName: "throughline-web" });
  const dev = process.argv.includes("--dev");
  const port = Number(process.env.PORT ?? 3000);
  const timeouts = timeoutsFromEnv();
  // Not in dev: the front's modules are loaded once by tsx, so an edit under server/http would
  // not reach /api/v1 until a restart, while Next's route handlers reload it at once.
  const front = !dev && process.env.THROUGHLINE_API_FRONT !== "0";
  const web = await startWebServer({ dev, port, timeouts, front });
  console.log(
    `[web] listening on port ${port} (${dev ? "dev" : "production"}; /api/v1 ${front ? "by the front" : "by Next"}; headers ${timeouts.headersMs} ms, request ${timeouts.requestMs} ms, keep-alive ${timeouts.keepAliveMs} ms)`,
  );
  const stop = () => {
    web
      .close()
      .then(() => tracing.shutdown().catch(() => undefined))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`[web] could not stop cleanly: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  answerHelp(`usage: node --import tsx scripts/web-server.ts [--dev]
  The web process as the launcher starts it (npm start / npm run dev): Next's handler on a
  node:http server with API timeouts. PORT (3000); THROUGHLINE_HEADERS_TIMEOUT_MS,
  THROUGHLINE_REQUEST_TIMEOUT_MS, THROUGHLINE_KEEP_ALIVE_TIMEOUT_MS; THROUGHLINE_API_FRONT=0 sends
  /api/v1 through Next's route handlers instead of the fast front.`);
  main().catch((error: unknown) => {
    console.error(`[web] failed to start: ${(error as Error).message}`);
    process.exit(1);
  });
}
