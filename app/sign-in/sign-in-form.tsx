"use client";

import { type FormEvent, useState } from "react";
import { Button, Field, inputClass } from "../_components/forms";
import { ErrorNote } from "../_components/ui";

function messageFor(status: number): string {
  switch (status) {
    case 401:
      return "Wrong email or password.";
    case 403:
      return "This account is deactivated. Ask an admin.";
    case 429:
      return "Too many attempts from here. Wait a minute, then try again.";
    default:
      return "Signing in failed. Try again in a moment.";
  }
}

export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const response = await fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
      });
      if (!response.ok) {
        setError(messageFor(response.status));
        return;
      }
      // A full load: the router may hold prefetches made while signed out (redirects to here).
      window.location.assign(next);
    } catch {
      setError("The server did not answer. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form
      onSubmit={onSubmit}
      className="space-y-4 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <Field id="email" label="Email">
        <input id="email" name="email" type="email" autoComplete="username" required className={inputClass} />
      </Field>
      <Field id="password" label="Password">
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={inputClass}
        />
      </Field>
      {error && <ErrorNote>{error}</ErrorNote>}
      <Button type="submit" variant="primary" disabled={pending} className="w-full">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
