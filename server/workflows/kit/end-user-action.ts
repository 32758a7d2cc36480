import { z } from "zod";

/**
 * A small form a step puts to the END USER when it blocks on them (confirm an address,
 * approve an extra charge): the step's precondition blocks with kind `awaiting_end_user`, the
 * track page shows `title`, the fields and `submitText`, and the answer — validated by the
 * fields' schemas, nothing else accepted — resumes the step, whose next run reads it as
 * `ctx.endUserAnswer`. Staff can answer for the customer with a reason (audited).
 */
export interface EndUserAction {
  /** The form's heading on the track page: "Confirm your delivery address". */
  title: string;
  /** Field name → the product wording and the schema of its value. Names are stable (stored). */
  fields: Record<string, EndUserField>;
  /** The button: "Confirm address". */
  submitText: string;
  /** Staff words, completing "Waiting for the customer to …": "confirm the delivery address". */
  waitingFor: string;
}

export interface EndUserField {
  label: string;
  /** A line under the field: what to enter, or why we ask. */
  help?: string;
  /** A string field's schema (bounded): the submitted text must pass it. */
  schema: z.ZodType<string>;
  /** The browser's autofill hint (`street-address`, `postal-code`, `country`). */
  autoComplete?: string;
}

/** The most fields one form may declare, and the longest value a field may hold (before its schema). */
export const MAX_END_USER_FIELDS = 20;
export const MAX_END_USER_VALUE = 500;

/** The whole answer's schema: exactly the declared fields, a field outside them refused (strict). */
export function endUserAnswerSchema(action: EndUserAction): z.ZodType<Record<string, string>> {
  return z.strictObject(Object.fromEntries(Object.entries(action.fields).map(([k, f]) => [k, f.schema])));
}

/** What the track page and the console render of a form: words only, no schemas. */
export interface EndUserFormView {
  title: string;
  submitText: string;
  fields: { name: string; label: string; help: string | null; autoComplete: string | null }[];
}

export function endUserFormView(action: EndUserAction): EndUserFormView {
  return {
    title: action.title,
    submitText: action.submitText,
    fields: Object.entries(action.fields).map(([name, f]) => ({
      name,
      label: f.label,
      help: f.help ?? null,
      autoComplete: f.autoComplete ?? null,
    })),
  };
}

const blank = (value: unknown) => typeof value !== "string" || value.trim().length === 0;

/** workflows:check: a step's end-user form is complete and says what it asks (part of checkPromises). */
export function checkEndUserAction(step: {
  endUserAction?: EndUserAction;
  userActionText?: string;
}): string[] {
  const action = step.endUserAction;
  if (!action) return [];
  const problems: string[] = [];
  if (blank(step.userActionText))
    problems.push(
      "has an end-user form (endUserAction) but no words for what the end user must do (userActionText)",
    );
  if (blank(action.title) || blank(action.submitText) || blank(action.waitingFor))
    problems.push("has an end-user form without its title, submitText or staff words (waitingFor)");
  const fields = Object.entries(action.fields ?? {});
  if (fields.length === 0 || fields.length > MAX_END_USER_FIELDS)
    problems.push(`has an end-user form with no fields or more than ${MAX_END_USER_FIELDS}`);
  for (const [name, field] of fields) {
    if (!/^[a-z][a-zA-Z0-9]{0,39}$/.test(name))
      problems.push(`has an end-user field "${name}" not in camelCase`);
    if (blank(field.label)) problems.push(`has an end-user field "${name}" without a label`);
    if (typeof (field.schema as { safeParse?: unknown } | undefined)?.safeParse !== "function")
      problems.push(`has an end-user field "${name}" without a schema`);
    else if (field.schema.safeParse("x".repeat(MAX_END_USER_VALUE + 1)).success)
      problems.push(
        `has an end-user field "${name}" whose schema accepts more than ${MAX_END_USER_VALUE} characters`,
      );
  }
  return problems;
}
