"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Button, errorText, Field, inputClass } from "../_components/forms";
import { ErrorNote } from "../_components/ui";
import { useTRPC } from "../_lib/trpc";

export function SetupForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [mismatch, setMismatch] = useState(false);
  const complete = useMutation(
    trpc.auth.completeSetup.mutationOptions({
      onSuccess: () => router.replace("/sign-in?next=/admin/people"),
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password"));
    setMismatch(password !== String(form.get("confirm")));
    if (password !== String(form.get("confirm"))) return;
    complete.mutate({ token, email: String(form.get("email")), name: String(form.get("name")), password });
  }

  return (
    <form
      onSubmit={onSubmit}
      className="space-y-4 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <Field id="name" label="Your name">
        <input id="name" name="name" required autoComplete="name" className={inputClass} />
      </Field>
      <Field id="email" label="Email">
        <input id="email" name="email" type="email" required autoComplete="username" className={inputClass} />
      </Field>
      <Field id="password" label="Password" hint="At least 10 characters.">
        <input
          id="password"
          name="password"
          type="password"
          required
          minLength={10}
          autoComplete="new-password"
          aria-describedby="password-hint"
          className={inputClass}
        />
      </Field>
      <Field id="confirm" label="Password again" error={mismatch ? "The two passwords differ." : null}>
        <input
          id="confirm"
          name="confirm"
          type="password"
          required
          autoComplete="new-password"
          className={inputClass}
        />
      </Field>
      {complete.isError && <ErrorNote>{errorText(complete.error)}</ErrorNote>}
      <Button type="submit" variant="primary" disabled={complete.isPending} className="w-full">
        {complete.isPending ? "Creating…" : "Create the admin"}
      </Button>
    </form>
  );
}
