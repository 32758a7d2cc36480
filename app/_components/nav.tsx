"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { AlertsNavCount } from "./alerts-nav-count";
import { UserMenu } from "./user-menu";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/operations", label: "Operations" },
  { href: "/alerts", label: "Alerts" },
  { href: "/workflows", label: "Workflows" },
  { href: "/sandbox", label: "Sandbox" },
  { href: "/docs/api", label: "API" },
];

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

/** The staff console's navigation; the end user's track page has none. */
export function Nav() {
  const pathname = usePathname() ?? "/";
  if (pathname.startsWith("/track/")) return null;
  // Signed-out pages show only the name: the links would lead back to sign-in.
  const signedOutPage = pathname === "/sign-in" || pathname === "/setup";
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <nav
        aria-label="Main"
        className="mx-auto flex min-h-12 max-w-7xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2"
      >
        <Link href="/" className="font-semibold tracking-tight">
          Throughline
        </Link>
        {/* On a phone the links wrap onto rows of their own rather than widen the page. */}
        <ul className="flex flex-wrap gap-1 text-sm" hidden={signedOutPage}>
          {LINKS.map((l) => {
            const active = isActive(pathname, l.href);
            return (
              <li key={l.href}>
                <Link
                  href={l.href}
                  aria-current={active ? "page" : undefined}
                  className={`rounded-md px-2 py-1 ${
                    active
                      ? "bg-zinc-100 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50"
                      : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
                  }`}
                >
                  {l.label}
                  {l.href === "/alerts" && !signedOutPage && <AlertsNavCount />}
                </Link>
              </li>
            );
          })}
        </ul>
        {!signedOutPage && <UserMenu />}
      </nav>
    </header>
  );
}
