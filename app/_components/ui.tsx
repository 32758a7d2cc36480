import type { LucideIcon } from "lucide-react";
import Link from "next/link";
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
      className={`min-w-0 rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900 ${className}`}
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

/** A panel title led by its icon. */
export function IconTitle({
  icon: Icon,
  iconClassName,
  children,
}: {
  icon: LucideIcon;
  iconClassName?: string;
  children: ReactNode;
}) {
  return (
    <span className="inline-flex items-center gap-2">
      <Icon className={iconClassName ? `size-4 ${iconClassName}` : "size-4"} aria-hidden /> {children}
    </span>
  );
}

/** A page's title and the sentence under it that says what the page is for. */
export function PageHeader({
  title,
  className,
  children,
}: {
  title: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <header className={className}>
      <h1 className="text-xl font-semibold">{title}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{children}</p>
    </header>
  );
}

/** "List / this one": the way back from a page about one thing to the list it is in. */
export function Breadcrumb({
  href,
  label,
  current,
  className = "text-xs text-zinc-500 dark:text-zinc-400",
}: {
  href: string;
  label: string;
  current: string;
  className?: string;
}) {
  return (
    <nav aria-label="Breadcrumb" className={className}>
      <Link href={href} className="hover:underline">
        {label}
      </Link>{" "}
      / <span className="font-mono">{current}</span>
    </nav>
  );
}

/** A plain table header: one cell per column name ("" over a column of buttons). */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead className="text-left text-xs text-zinc-500 dark:text-zinc-400">
      <tr>
        {columns.map((c, i) => (
          <th key={i} className={c ? "px-4 py-2 font-medium" : "px-4 py-2"}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * Below `sm`, a stacked table: each row a block and each cell a line of it, the header hidden
 * (cells name themselves with `PhoneLabel`), so a row too wide for a phone never scrolls sideways.
 */
const STACKED =
  "max-sm:block max-sm:[&_thead]:hidden max-sm:[&_tbody]:block max-sm:[&_tr]:block max-sm:[&_tr]:py-2 max-sm:[&_td]:block max-sm:[&_td]:py-0.5 max-sm:[&_td]:text-left";

/**
 * A plain table of rows below a TableHead, scrolling sideways inside its panel; `alignTop`
 * for rows whose cells wrap to several lines; `stackOnPhone` for rows too wide for a phone.
 */
export function PlainTable({
  columns,
  alignTop = false,
  stackOnPhone = false,
  children,
}: {
  columns: readonly string[];
  alignTop?: boolean;
  stackOnPhone?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="relative overflow-x-auto">
      <table className={stackOnPhone ? `w-full text-sm ${STACKED}` : "w-full text-sm"}>
        <TableHead columns={columns} />
        <tbody
          className={
            alignTop
              ? "divide-y divide-zinc-100 align-top dark:divide-zinc-800"
              : "divide-y divide-zinc-100 dark:divide-zinc-800"
          }
        >
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** A stacked table's cell label, shown only on a phone (where the header is hidden). */
export function PhoneLabel({ children }: { children: ReactNode }) {
  return <span className="mr-1 text-xs text-zinc-500 sm:hidden dark:text-zinc-400">{children}</span>;
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

/**
 * A label/value pair in a definition list. `wrap` for a value that must be read whole (an
 * email, a trace id): it breaks across lines instead of being cut.
 */
export function Fact({
  label,
  children,
  wrap = false,
}: {
  label: string;
  children: ReactNode;
  wrap?: boolean;
}) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className={`mt-0.5 text-sm ${wrap ? "wrap-anywhere" : "truncate"}`}>{children}</dd>
    </div>
  );
}

export const BLOCK_KIND_LABELS: Record<string, string> = {
  awaiting_person: "Awaiting a person",
  awaiting_external: "Awaiting an external system",
  precondition_failed: "Precondition failed",
  retries_exhausted: "Retries exhausted",
  invalid_input: "Invalid input",
  awaiting_end_user: "Waiting for the customer",
};
