import type { ComponentProps } from "react";

/**
 * A workflow type picker: the empty choice first ("Any", "Choose…"), then every type by its
 * name. The page passes the types it already reads, and the select's own props (name, value…).
 */
export function WorkflowTypeSelect({
  workflows,
  emptyLabel,
  ...select
}: ComponentProps<"select"> & {
  workflows: readonly { type: string }[] | undefined;
  emptyLabel: string;
}) {
  return (
    <select {...select}>
      <option value="">{emptyLabel}</option>
      {workflows?.map((w) => (
        <option key={w.type} value={w.type}>
          {w.type}
        </option>
      ))}
    </select>
  );
}
