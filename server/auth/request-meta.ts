import { randomUUID } from "node:crypto";
import type { RequestMeta } from "@/server/audit/write";
import { logContext } from "@/server/telemetry/log-context";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/** The header the auth route hands better-auth, set from clientAddress() (any client value is replaced). */
export const CLIENT_ADDRESS_HEADER = "x-throughline-client-address";

/**
 * Set by the web server (scripts/web-server.ts) on every request to the TCP socket's remote
 * address, after dropping whatever a client sent under that name: the one address nobody can claim.
 */
export const PEER_ADDRESS_HEADER = "x-throughline-peer-address";

/**
 * The client's address: what keys the sign-in limits and is written into every audit record.
 *
 * THROUGHLINE_PROXY_HOPS=0 (the default, nothing in front): the socket's address from
 * PEER_ADDRESS_HEADER, and never X-Forwarded-For or X-Real-IP, which any client can set.
 * THROUGHLINE_PROXY_HOPS=N (N proxies in front, each appending the address it saw): the N-th
 * entry of X-Forwarded-For from the right, the one the outermost of our proxies wrote; entries
 * further left are the client's own claims. A request carrying fewer entries than N did not
 * come through all our proxies, so its socket's address (the nearest hop) stands instead.
 */
export function clientAddress(
  headers: Headers,
  env: Record<string, string | undefined> = process.env,
): string | null {
  const hops = Math.max(0, Math.floor(Number(env.THROUGHLINE_PROXY_HOPS ?? 0)) || 0);
  const peer = headers.get(PEER_ADDRESS_HEADER)?.trim() || null;
  let address = peer;
  if (hops > 0) {
    const entries = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    address = entries.length >= hops ? entries[entries.length - hops]! : peer;
  }
  if (!address) return null;
  // An IPv4 client seen through an IPv6 socket reads as ::ffff:a.b.c.d: keep the IPv4 form.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped ? mapped[1]! : address).slice(0, 100);
}

/**
 * The request id and client address recorded with every audited action. Within a request the
 * web logs (withRequestLog), the id is the one its log lines and `x-request-id` answer carry.
 */
export function requestMetaFrom(headers: Headers): RequestMeta {
  const given = headers.get("x-request-id");
  return {
    requestId: given && REQUEST_ID.test(given) ? given : (logContext.current().request_id ?? randomUUID()),
    clientAddress: clientAddress(headers),
  };
}
