"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { EndUserFields, fieldIssues, formValues } from "../../_components/end-user-fields";
import { errorText } from "../../_components/forms";
import type { RouterOutputs } from "../../_lib/router-types";
import { useTRPC } from "../../_lib/trpc";

type Form = NonNullable<Extract<RouterOutputs["track"]["get"], { type: "ok" }>["view"]["form"]>;

/**
 * The step's form, answered with the track link itself (its token is the only authority). On
 * success the page's live stream brings the order on; a refusal says why in plain words.
 */
export function EndUserForm({
  token,
  form,
  onAnswered,
}: {
  token: string;
  form: Form;
  onAnswered: () => void;
}) {
  const trpc = useTRPC();
  const [sent, setSent] = useState(false);
  const answer = useMutation(
    trpc.endUser.answer.mutationOptions({
      onSuccess: () => {
        setSent(true);
        onAnswered();
      },
    }),
  );
  const issues = fieldIssues(answer.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    answer.mutate({ token, values: formValues(form, new FormData(event.currentTarget)) });
  };
  if (sent) {
    return (
      <p
        className="rounded-xl border border-status-completed/50 bg-status-completed/10 px-5 py-4"
        role="status"
      >
        Thank you, we have your answer. Your order continues now.
      </p>
    );
  }
  return (
    <form
      onSubmit={submit}
      aria-labelledby="end-user-form-title"
      className="space-y-4 rounded-xl border border-zinc-200 bg-white px-5 py-4 dark:border-zinc-800 dark:bg-zinc-900"
      data-testid="end-user-form"
    >
      <h2 id="end-user-form-title" className="text-lg font-semibold">
        {form.title}
      </h2>
      <EndUserFields form={form} idPrefix="answer" issues={issues} large />
      {answer.error && Object.keys(issues).length === 0 && (
        <p className="text-sm text-status-failed" role="alert">
          {errorText(answer.error)}
        </p>
      )}
      <button
        type="submit"
        disabled={answer.isPending}
        className="w-full rounded-md bg-zinc-900 px-4 py-2.5 text-base font-medium text-white hover:bg-zinc-700 disabled:bg-zinc-400 dark:bg-zinc-100 dark:text-zinc-900"
      >
        {answer.isPending ? "Sending…" : form.submitText}
      </button>
    </form>
  );
}
