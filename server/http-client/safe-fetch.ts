import { lookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Outbound HTTP to an address someone else chose (webhook endpoints, HTTP effects). Refuses
 * private, loopback, link-local and other non-public destinations unless allowed, checks the
 * address DNS actually resolves to (and connects to that very address, so a second lookup cannot
 * swap it), never follows redirects (a 3xx is returned as is), caps the body read and times out.
 */
export interface SafeFetchOptions {
  /** Allow non-public destinations; defaults to THROUGHLINE_ALLOW_PRIVATE_URLS=1. */
  allowPrivate?: boolean;
  /** Whole request including the body read. */
  timeoutMs?: number;
  /** Bytes of the body kept; the rest is not read. */
  maxBodyBytes?: number;
}

export interface SafeResponse {
  status: number;
  headers: Headers;
  /** The body as text, at most maxBodyBytes (truncated says whether more was sent). */
  body: string;
  truncated: boolean;
}

export class UnsafeDestinationError extends Error {
  readonly type = "unsafe_destination";
}

export function privateUrlsAllowed(): boolean {
  return process.env.THROUGHLINE_ALLOW_PRIVATE_URLS === "1";
}

/** Whether an IP address is on the public internet (unicast, not reserved). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === "unicast";
}

/** Checks the URL's scheme and every address its host resolves to; returns the address to connect to. */
export async function checkDestination(
  url: URL,
  allowPrivate: boolean,
): Promise<{ address: string; family: number }> {
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UnsafeDestinationError(`only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new UnsafeDestinationError("URLs with credentials are refused");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await lookup(host, { all: true, verbatim: true });
  if (addresses.length === 0) throw new UnsafeDestinationError(`${host} does not resolve`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad) throw new UnsafeDestinationError(`${host} resolves to a non-public address (${bad.address})`);
  }
  return addresses[0]!;
}

export async function safeFetch(
  input: string | URL,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
  options: SafeFetchOptions = {},
): Promise<SafeResponse> {
  const url = new URL(input);
  const allowPrivate = options.allowPrivate ?? privateUrlsAllowed();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const pinned = await checkDestination(url, allowPrivate);
  const signal = init.signal
    ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<SafeResponse>((resolve, reject) => {
    const req = send(
      url,
      {
        method: init.method ?? "GET",
        headers:
          init.body === undefined
            ? init.headers
            : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) },
        signal,
        // Connect to the checked address only (Host and the TLS name stay the URL's), so a second
        // DNS answer cannot point the request elsewhere. Node's http client never follows redirects.
        lookup: (_host, opts, cb) => {
          if ((opts as { all?: boolean }).all)
            (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
          else cb(null, pinned.address, pinned.family);
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString("utf8"),
            truncated,
          });
        res.on("data", (chunk: Buffer) => {
          if (truncated) return;
          if (size + chunk.byteLength > maxBodyBytes) {
            chunks.push(chunk.subarray(0, maxBodyBytes - size));
            truncated = true;
            res.destroy();
            done();
            return;
          }
          chunks.push(chunk);
          size += chunk.byteLength;
        });
        res.on("end", done);
        res.on("error", (err) => (truncated ? undefined : reject(err)));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}
