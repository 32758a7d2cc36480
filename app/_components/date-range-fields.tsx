"use client";

import type { ChangeEvent } from "react";
import { fromLocalInput, toLocalInput } from "../_lib/format";

type End = "from" | "to";
const ENDS: readonly End[] = ["from", "to"];

/**
 * The two ends of a date filter as `datetime-local` inputs, in the viewer's time zone.
 * With `onChange` each end applies at once (the search page); without it they are form
 * fields named `from` and `to`, read on submit (the audit page).
 */
export function DateRangeFields({
  labels,
  value,
  onChange,
  labelClassName,
  captionClassName,
  inputClassName,
}: {
  labels: Record<End, string>;
  value: Record<End, Date | null>;
  onChange?: (patch: Partial<Record<End, Date | null>>) => void;
  labelClassName: string;
  captionClassName: string;
  inputClassName: string;
}) {
  return ENDS.map((end) => {
    const binding = onChange
      ? {
          value: toLocalInput(value[end]),
          onChange: (e: ChangeEvent<HTMLInputElement>) => onChange({ [end]: fromLocalInput(e.target.value) }),
        }
      : { name: end, defaultValue: toLocalInput(value[end]) };
    return (
      <label key={end} className={labelClassName}>
        <span className={captionClassName}>{labels[end]}</span>
        <input type="datetime-local" className={inputClassName} {...binding} />
      </label>
    );
  });
}
