import { createHmac } from "node:crypto";

/**
 * Where the console is served and who may post to it, from the environment:
 *
 * - `THROUGHLINE_PUBLIC_URL`: the URL people open (e.g. `https://ops.example.com`).
 *   Defaults to `http://localhost:$PORT`.
 * - `THROUGHLINE_TRUSTED_ORIGINS`: more origins allowed to send cookie-authenticated
 *   mutations, comma-separated. The public URL's origin is always trusted; when it is
 *   a loopback address, both `localhost` and `127.0.0.1` on its port are.
 */
export interface AuthSettings {
  publicUrl: string;
  trustedOrigins: string[];
  /** Cookies carry `Secure` (and the `__Secure-` prefix) unless served over plain http on loopback. */
  secureCookies: boolean;
  /** HMAC key for better-auth, derived from THROUGHLINE_SECRET. */
  secret: string;
  /** Sign-in attempts allowed per client address per minute. */
  signInAttemptsPerMinute: number;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function authSettings(env: Record<string, string | undefined> = process.env): AuthSettings {
  const port = env.PORT ?? "3000";
  const publicUrl = (env.THROUGHLINE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, "");
  const url = new URL(publicUrl);
  const loopback = LOOPBACK.has(url.hostname);
  const origins = new Set([url.origin]);
  if (loopback) {
    const portPart = url.port ? `:${url.port}` : "";
    for (const host of LOOPBACK) origins.add(`${url.protocol}//${host}${portPart}`);
  }
  for (const extra of (env.THROUGHLINE_TRUSTED_ORIGINS ?? "").split(",")) {
    const trimmed = extra.trim();
    if (trimmed) origins.add(new URL(trimmed).origin);
  }
  const appSecret = env.THROUGHLINE_SECRET;
  if (!appSecret) throw new Error("THROUGHLINE_SECRET is not set: start Throughline with `npm start`.");
  return {
    publicUrl,
    trustedOrigins: [...origins],
    secureCookies: !(url.protocol === "http:" && loopback),
    // A key of its own, so better-auth never signs with the secret behind track links.
    secret: createHmac("sha256", appSecret).update("throughline:better-auth").digest("base64url"),
    signInAttemptsPerMinute: Number(env.THROUGHLINE_SIGN_IN_ATTEMPTS_PER_MINUTE ?? 10),
  };
}

/**
 * CSRF defence for cookie-authenticated mutations outside better-auth (tRPC): the
 * browser's `Origin` (or, failing that, `Referer`) must be one of ours. SameSite=Lax
 * cookies already keep most cross-site posts out; this closes the rest.
 */
export function isTrustedOrigin(headers: Headers, settings: Pick<AuthSettings, "trustedOrigins">): boolean {
  const origin = headers.get("origin");
  const source = origin && origin !== "null" ? origin : headers.get("referer");
  if (!source) return false;
  try {
    return settings.trustedOrigins.includes(new URL(source).origin);
  } catch {
    return false;
  }
}
