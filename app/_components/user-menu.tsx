"use client";

import Link from "next/link";
import { useState } from "react";
import { useMe } from "../_lib/me";
import { useTRPC } from "../_lib/trpc";

const ADMIN_LINKS = [
  { href: "/admin/people", label: "People" },
  { href: "/admin/api-keys", label: "API keys" },
  { href: "/admin/webhooks", label: "Webhooks" },
  { href: "/admin/audit-chain", label: "Audit chain" },
];

/** Who is signed in, the Audit page for staff, admin pages for admins, and sign-out. */
export function UserMenu() {
  const _trpc = useTRPC();
  const me = useMe();
  const [signingOut, setSigningOut] = useState(false);
  if (!me?.signedIn) return null;
  const { user } = me;

  async function signOut() {
    setSigningOut(true);
    await fetch("/api/auth/sign-out", { method: "POST" }).catch(() => {});
    // A full load drops everything the signed-in pages cached.
    window.location.assign("/sign-in");
  }

  return (
    <div className="ml-auto flex items-center gap-3 text-sm">
      {user.role !== "support" && (
        <Link
          href="/bulk"
          className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
        >
          Bulk
        </Link>
      )}
      <Link
        href="/audit"
        className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
      >
        Audit
      </Link>
      {user.role === "admin" && (
        <details className="relative">
          <summary className="cursor-pointer list-none text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
            Admin ▾
          </summary>
          <ul className="absolute right-0 z-20 mt-2 w-40 rounded-md border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
            {ADMIN_LINKS.map((l) => (
              <li key={l.href}>
                <Link href={l.href} className="block px-3 py-1.5 hover:bg-zinc-100 dark:hover:bg-zinc-800">
                  {l.label}
                </Link>
              </li>
            ))}
          </ul>
        </details>
      )}
      <span className="hidden text-zinc-500 sm:inline" data-testid="signed-in-as">
        {user.name} · <span className="font-medium text-zinc-700 dark:text-zinc-300">{user.role}</span>
      </span>
      <button
        type="button"
        onClick={signOut}
        disabled={signingOut}
        className="rounded-md border border-zinc-300 px-2 py-1 text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        Sign out
      </button>
    </div>
  );
}
