import type { ComponentProps, ReactNode } from "react";

export interface SelectOption {
  value: string | number;
  label: ReactNode;
}

type SelectProps = ComponentProps<"select"> & {
  /** The empty first choice ("Any", "Choose…"); none when left out. */
  emptyLabel?: string;
};

/**
 * The console's one select: an optional empty choice, then the options in order. A closed
 * select cuts a long choice at its width ("Resume (the blocking st…"), so the chosen one's
 * whole label is its title; `min-w-0 max-w-full` keeps it inside a narrow column.
 */
export function Select({
  options,
  emptyLabel,
  ...select
}: SelectProps & { options: readonly SelectOption[] | undefined }) {
  const chosen = options?.find((o) => String(o.value) === String(select.value ?? ""))?.label;
  return (
    <select
      title={typeof chosen === "string" ? chosen : undefined}
      {...select}
      className={`min-w-0 max-w-full ${select.className ?? ""}`}
    >
      {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
      {options?.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A workflow type picker, each type by its name; the page passes the types it already reads. */
export function WorkflowTypeSelect({
  workflows,
  ...select
}: SelectProps & { workflows: readonly { type: string }[] | undefined }) {
  return <Select options={workflows?.map((w) => ({ value: w.type, label: w.type }))} {...select} />;
}
