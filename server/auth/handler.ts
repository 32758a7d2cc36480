import type { Auth } from "./auth";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "./request-meta";

/**
 * Hands a request to better-auth with the client address decided by clientAddress()
 * (THROUGHLINE_PROXY_HOPS) in a header of our own, never one the client could set: that
 * address keys the per-address sign-in rate limit.
 */
export async function handleAuthRequest(auth: Auth, request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.delete(CLIENT_ADDRESS_HEADER);
  const address = clientAddress(request.headers);
  if (address) headers.set(CLIENT_ADDRESS_HEADER, address);
  const body =
    request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return auth.handler(new Request(request.url, { method: request.method, headers, body }));
}
