/**
 * The fast front of the web process (issue 14): a plain node:http handler that answers the public
 * `/api/v1` endpoints itself and hands every other request to Next's handler, on the same port.
 * Next spent ~2.5 ms of CPU per API request (routing, its request/response wrappers, the app
 * render pipeline a route handler still goes through) — most of an intake request's cost.
 *
 * One implementation of each endpoint: the routes below call the same Request → Response
 * functions of server/http/ (operationsApi, waitsApi, openApiDocument) under the same `route()`
 * wrapper (503 + Retry-After when the database is out, incidents for the unexpected) as the
 * route files in app/api/v1/, which remain what `next dev`/`next start` alone would serve.
 * Whatever the front does not match exactly (another method, a trailing slash, HEAD, OPTIONS, a
 * path segment that does not decode) goes to Next, so its answers there are unchanged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "@/server/services";
import { openApiDocument } from "./openapi";
import { operationsApi } from "./operations-api";
import { route } from "./route";
import { waitsApi } from "./waits-api";

/** On every answer the front gives, so a test (and an operator with curl) can see which path served it. */
export const SERVED_BY_HEADER = "x-throughline-served-by";
export const SERVED_BY_FRONT = "front";

type Handler = (services: Services, request: Request, params: string[]) => Promise<Response>;
interface ApiRoute {
  method: "GET" | "POST";
  /** Anchored; each capture group is one path segment, passed decoded as Next passes `params`. */
  pattern: RegExp;
  handler: Handler;
}

const SEGMENT = "([^/]+)";
let openApiText: string | undefined;

/** Every app/api/v1 route file, as the front serves it (keep the two lists alike). */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: "POST",
    pattern: /^\/api\/v1\/operations$/,
    handler: (s, r) => operationsApi(s).startOperation(r),
  },
  {
    method: "GET",
    pattern: /^\/api\/v1\/operations$/,
    handler: (s, r) => operationsApi(s).listOperations(r),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/v1/operations/${SEGMENT}$`),
    handler: (s, r, [id]) => operationsApi(s).getOperation(r, id!),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/v1/operations/${SEGMENT}/steps/${SEGMENT}/acknowledge$`),
    handler: (s, r, [id, step]) => waitsApi(s).acknowledge(r, id!, step!),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/v1/callbacks/${SEGMENT}$`),
    handler: (s, r, [token]) => waitsApi(s).callback(r, token!),
  },
  {
    method: "GET",
    pattern: /^\/api\/v1\/workflows$/,
    handler: (s, r) => operationsApi(s).listWorkflows(r),
  },
  {
    method: "GET",
    pattern: /^\/api\/v1\/openapi\.json$/,
    // The document is the same for the life of the process: built once, as Next's static route.
    handler: async () => {
      openApiText ??= JSON.stringify(openApiDocument());
      return new Response(openApiText, { headers: { "content-type": "application/json" } });
    },
  },
];

/** The route and its decoded parameters, or null when Next should answer. */
export function matchApiRoute(
  method: string,
  pathname: string,
): { route: ApiRoute; params: string[] } | null {
  if (!pathname.startsWith("/api/v1/")) return null;
  for (const candidate of API_ROUTES) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(pathname);
    if (!match) continue;
    try {
      return { route: candidate, params: match.slice(1).map((p) => decodeURIComponent(p)) };
    } catch {
      return null; // a malformed %-escape: Next's own answer stands
    }
  }
  return null;
}

/** The same `route()` wrapper the route files use, once per route (not per request). */
const wrapped = new Map<ApiRoute, (s: Services, r: Request, p: string[]) => Promise<Response>>(
  API_ROUTES.map((r) => [r, route(r.handler)]),
);

/**
 * A request handler for node:http: serves a matching `/api/v1` request and resolves true, or
 * resolves false without touching `req`/`res` so the caller hands it to Next. `services` is
 * read per request (the holder may be built lazily).
 */
export function apiFront(services: () => Services) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const pathname = query === -1 ? url : url.slice(0, query);
    const found = matchApiRoute(req.method ?? "GET", pathname);
    if (!found) return false;
    const aborted = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) aborted.abort();
    });
    const { request, discardRest } = toRequest(req, url, aborted.signal);
    const response = await wrapped.get(found.route)!(services(), request, found.params);
    await writeResponse(response, res);
    discardRest();
    return true;
  };
}

/** The web Request a route function takes, over the node request (the body read lazily, as it is pulled). */
function toRequest(req: IncomingMessage, url: string, signal: AbortSignal) {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    // HTTP/2 pseudo-headers cannot be set on Headers; node:http/1.1 has none.
    if (raw[i]!.charCodeAt(0) !== 58) headers.append(raw[i]!, raw[i + 1]!);
  }
  const method = req.method ?? "GET";
  const body = method !== "GET" && method !== "HEAD" ? bodyStream(req) : null;
  const request = new Request(`http://${req.headers.host ?? "localhost"}${url}`, {
    method,
    headers,
    signal,
    ...(body ? { body: body.stream, duplex: "half" } : {}),
  } as RequestInit);
  return { request, discardRest: body?.discardRest ?? (() => {}) };
}

/** Past this much of an unread body the connection is cut instead of drained (a flood, not a client). */
const DISCARD_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * The request body as a web stream that reads the socket only when pulled (highWaterMark 0), so
 * readJsonBody's size limit stops the reading. Whatever was not read (a refused body: 413, or an
 * answer given before the body was needed) is drained by `discardRest` once the answer is out, so
 * the keep-alive connection stays usable — up to DISCARD_LIMIT_BYTES; past that it is cut.
 */
function bodyStream(req: IncomingMessage) {
  let discarding = false;
  let discarded = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on("data", (chunk: Buffer) => {
          if (discarding) {
            discarded += chunk.byteLength;
            if (discarded > DISCARD_LIMIT_BYTES) req.destroy();
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => {
          if (!discarding) controller.close();
        });
        req.once("error", (error) => {
          if (!discarding) controller.error(error);
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        discarding = true;
      },
    },
    { highWaterMark: 0 },
  );
  const discardRest = () => {
    if (req.complete || req.destroyed) return;
    discarding = true;
    req.resume();
  };
  return { stream, discardRest };
}

/** Writes a web Response to node; a body that fits one chunk goes out with its length in one write. */
async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = { [SERVED_BY_HEADER]: SERVED_BY_FRONT };
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const first = await reader.read();
  const second = first.done ? first : await reader.read();
  if (second.done) {
    const body = first.value ?? new Uint8Array();
    headers["content-length"] = String(body.byteLength);
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  res.write(first.value);
  res.write(second.value);
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    if (!res.write(next.value)) await new Promise((r) => res.once("drain", r));
  }
  res.end();
}
