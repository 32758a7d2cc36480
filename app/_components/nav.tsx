import Link from "next/link";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/operations", label: "Operations" },
  { href: "/workflows", label: "Workflows" },
  { href: "/docs/api", label: "API" },
];

export function Nav() {
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <nav aria-label="Main" className="mx-auto flex h-12 max-w-7xl items-center gap-6 px-4">
        <Link href="/" className="font-semibold tracking-tight">
          Throughline
        </Link>
        <ul className="flex gap-4 text-sm text-zinc-600 dark:text-zinc-400">
          {LINKS.map((l) => (
            <li key={l.href}>
              <Link href={l.href} className="hover:text-zinc-900 dark:hover:text-zinc-100">
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
