/**
 * Where a callback URL points and what signs its token: the same THROUGHLINE_PUBLIC_URL and
 * THROUGHLINE_SECRET as the rest of the server (the token signs under its own `callback:`
 * label, see callback-token.ts), read when needed so a worker and the web agree.
 */
export function callbackSecret(): string {
  const value = process.env.THROUGHLINE_SECRET;
  if (!value) throw new Error("THROUGHLINE_SECRET is not set: start Throughline with `npm start`.");
  return value;
}

export function callbackBaseUrl(): string {
  const port = process.env.PORT ?? "3000";
  return (process.env.THROUGHLINE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, "");
}

/** Lease owner of a step whose attempt ended into a wait: no worker holds it, nothing expires it. */
export const WAIT_LEASE_PREFIX = "wait:";
