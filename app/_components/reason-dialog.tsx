"use client";

import { type FormEvent, type ReactNode, useEffect, useRef } from "react";
import { Button, errorText, inputClass } from "./forms";

/** A modal asking for the reason every audited change needs; the caller runs the mutation. */
export function ReasonDialog({
  title,
  explain,
  confirmLabel,
  danger = false,
  pending,
  error,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  explain: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onClose: () => void;
  children?: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onConfirm(String(new FormData(event.currentTarget).get("reason") ?? ""));
  }

  return (
    <dialog
      ref={dialog}
      aria-labelledby="reason-dialog-title"
      onClose={onClose}
      className="m-auto w-full max-w-md rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form onSubmit={submit} className="space-y-4 p-5">
        <div className="space-y-1">
          <h2 id="reason-dialog-title" className="text-base font-semibold">
            {title}
          </h2>
          <div className="text-sm text-zinc-600 dark:text-zinc-400">{explain}</div>
        </div>
        {children}
        <div className="space-y-1">
          <label htmlFor="reason" className="block text-sm font-medium">
            Reason
          </label>
          <textarea
            id="reason"
            name="reason"
            required
            minLength={5}
            rows={3}
            placeholder="Why, in a sentence. It goes into the audit history."
            className={inputClass}
          />
        </div>
        {Boolean(error) && (
          <p
            role="alert"
            className="rounded-md border border-status-failed/40 bg-status-failed/10 px-3 py-2 text-sm"
          >
            {errorText(error)}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button onClick={() => dialog.current?.close()}>Close</Button>
          <Button type="submit" variant={danger ? "danger" : "primary"} disabled={pending}>
            {pending ? "Working…" : confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
