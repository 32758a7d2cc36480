/**
 * Where to send someone after signing in: only a path on the console's own origin.
 *
 * A string test ("starts with / but not //") is not enough: browsers read `/\evil.example/`
 * (the query's `%5C` decoded) as `//evil.example/`, and tabs or newlines inside the scheme part
 * are dropped. So the value is parsed the way the browser will, as a URL against the console's
 * origin, and accepted only when it stays on that origin; what is returned is the normalised
 * path, query and fragment (never the raw input), so nothing ambiguous reaches `Location`.
 */
const BASE = "https://console.throughline.invalid";

export function safeNext(value: string | string[] | undefined, origin = BASE): string {
  const next = Array.isArray(value) ? value[0] : value;
  if (!next?.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A normalised path that still opens with two slashes would be protocol-relative.
  return path.startsWith("//") || path.startsWith("/\\") ? "/" : path;
}
