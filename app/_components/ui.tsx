import type { ReactNode } from "react";

/** A titled panel: the console's one card. */
export function Panel({
  title,
  action,
  children,
  className = "",
  id,
}: {
  title?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section
      aria-labelledby={headingId}
      className={`rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900 ${className}`}
    >
      {title && (
        <header className="flex items-center justify-between gap-3 border-b border-zinc-100 px-4 py-2.5 dark:border-zinc-800">
          <h2 id={headingId} className="text-sm font-semibold">
            {title}
          </h2>
          {action}
        </header>
      )}
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="px-4 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">{children}</p>;
}

export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <p
      role="alert"
      className="rounded-md border border-status-failed/40 bg-status-failed/10 px-3 py-2 text-sm"
    >
      {children}
    </p>
  );
}

/** A label/value pair in a definition list. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 truncate text-sm">{children}</dd>
    </div>
  );
}

export const BLOCK_KIND_LABELS: Record<string, string> = {
  awaiting_person: "Awaiting a person",
  awaiting_external: "Awaiting an external system",
  precondition_failed: "Precondition failed",
  retries_exhausted: "Retries exhausted",
  invalid_input: "Invalid input",
};
