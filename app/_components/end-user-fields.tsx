"use client";

import type { RouterOutputs } from "../_lib/router-types";
import { Field, inputClass } from "./forms";

type Form = NonNullable<NonNullable<RouterOutputs["endUser"]["waiting"]>["form"]>;

/** The issue of each field named by a refused answer (`/values/<field>`), for its line under the field. */
export function fieldIssues(error: unknown): Record<string, string> {
  const issues =
    (error as { data?: { domain?: { issues?: { pointer: string; detail: string }[] } | null } })?.data?.domain
      ?.issues ?? [];
  return Object.fromEntries(
    issues
      .filter((i) => i.pointer.startsWith("/values/"))
      .map((i) => [i.pointer.slice("/values/".length), i.detail]),
  );
}

/** The declared fields of a step's end-user form (track page, and staff answering for the customer). */
export function EndUserFields({
  form,
  idPrefix,
  issues,
  large = false,
}: {
  form: Form;
  idPrefix: string;
  issues: Record<string, string>;
  /** The end user's phone-sized page: 16 px text, so the browser does not zoom into a field. */
  large?: boolean;
}) {
  return (
    <div className="space-y-3">
      {form.fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const issue = issues[f.name] ?? null;
        const described = [f.help ? `${id}-hint` : null, issue ? `${id}-error` : null]
          .filter(Boolean)
          .join(" ");
        return (
          <Field key={f.name} id={id} label={f.label} hint={f.help ?? undefined} error={issue}>
            <input
              id={id}
              name={f.name}
              required
              maxLength={500}
              autoComplete={f.autoComplete ?? "off"}
              aria-invalid={issue ? true : undefined}
              aria-describedby={described || undefined}
              className={`${inputClass} ${large ? "py-2 text-base" : ""}`}
            />
          </Field>
        );
      })}
    </div>
  );
}

/** The form's values as the procedures take them: field name → text. */
export function formValues(form: Form, data: FormData): Record<string, string> {
  return Object.fromEntries(form.fields.map((f) => [f.name, String(data.get(f.name) ?? "")]));
}
