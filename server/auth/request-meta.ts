import { randomUUID } from "node:crypto";
import type { RequestMeta } from "@/server/audit/write";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/** The header the auth route hands better-auth, set from clientAddress() (any client value is replaced). */
export const CLIENT_ADDRESS_HEADER = "x-throughline-client-address";

/**
 * The client's address, from `X-Forwarded-For`. `next start` fills that header from the
 * socket only when the client did not send one, so without a proxy in front the value is
 * whatever the client claims. Behind N proxies that each append the address they saw, set
 * THROUGHLINE_PROXY_HOPS=N: the N-th entry from the right is then the one a proxy wrote.
 */
export function clientAddress(
  headers: Headers,
  env: Record<string, string | undefined> = process.env,
): string | null {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const hops = Math.max(0, Number(env.THROUGHLINE_PROXY_HOPS ?? 0) || 0);
  const chosen = hops === 0 ? entries[0] : entries[entries.length - hops];
  const address = chosen ?? headers.get("x-real-ip")?.trim();
  if (!address) return null;
  // An IPv4 client seen through an IPv6 socket reads as ::ffff:a.b.c.d: keep the IPv4 form.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped ? mapped[1]! : address).slice(0, 100);
}

/** The request id and client address recorded with every audited action. */
export function requestMetaFrom(headers: Headers): RequestMeta {
  const given = headers.get("x-request-id");
  return {
    requestId: given && REQUEST_ID.test(given) ? given : randomUUID(),
    clientAddress: clientAddress(headers),
  };
}
