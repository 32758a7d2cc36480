import { type NextRequest, NextResponse } from "next/server";

/**
 * The console is for signed-in staff: a page request without a session cookie goes to
 * /sign-in first. This is only the optimistic check (cookie present); every procedure and
 * route checks the session and role on the server.
 */
const SESSION_COOKIES = ["throughline.session_token", "__Secure-throughline.session_token"];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const signIn = new URL("/sign-in", request.url);
  const next = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (next !== "/") signIn.searchParams.set("next", next);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Everything but the public surface: sign-in, first-run setup, the end user's track page,
  // APIs (they answer 401 themselves), API docs, and static files.
  matcher: [
    "/((?!api/|_next/|sign-in|setup|track/|docs/|favicon\\.ico|.*\\.(?:svg|png|jpg|ico|css|js|txt)$).*)",
  ],
};
