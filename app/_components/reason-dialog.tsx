"use client";

import { type FormEvent, type ReactNode, useEffect, useRef } from "react";
import { Button, errorText, inputClass } from "./forms";
import { ErrorNote } from "./ui";

/** What every console dialog is told: what it is, what confirming does, and how the last try went. */
interface DialogProps {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onClose: () => void;
}

/** The mutation a dialog confirms: how it is going, and `reset` to forget its error on close. */
interface DialogMutation {
  isPending: boolean;
  error: unknown;
  reset: () => void;
}

/**
 * A modal asking for the reason every audited change needs. The caller runs `mutation` in
 * `onConfirm`; closing the dialog resets it, then tells the caller (`onClose`).
 */
export function ReasonDialog({
  explain,
  mutation,
  onConfirm,
  onClose,
  children,
  ...dialog
}: Omit<DialogProps, "pending" | "error"> & {
  explain: ReactNode;
  mutation: DialogMutation;
  onConfirm: (reason: string) => void;
  /** Fields asked before the reason. */
  children?: ReactNode;
}) {
  return (
    <FormDialog
      {...dialog}
      pending={mutation.isPending}
      error={mutation.error}
      onClose={() => {
        mutation.reset();
        onClose();
      }}
      titleId="reason-dialog-title"
      explain={<div className="text-sm text-zinc-600 dark:text-zinc-400">{explain}</div>}
      onSubmit={(form) => onConfirm(String(form.get("reason") ?? ""))}
    >
      {children}
      <ReasonField id="reason" placeholder="Why, in a sentence. It goes into the audit history." />
    </FormDialog>
  );
}

/**
 * The console's modal form, open from the moment it mounts: a title and what will happen,
 * the fields, the error of the last try, then Close and the confirming button.
 */
export function FormDialog({
  titleId,
  title,
  explain,
  confirmLabel,
  danger = false,
  pending,
  error,
  onSubmit,
  onClose,
  children,
}: DialogProps & {
  titleId: string;
  explain: ReactNode;
  onSubmit: (form: FormData) => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit(new FormData(event.currentTarget));
  }

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto w-full max-w-md rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form onSubmit={submit} className="space-y-4 p-5">
        <div className="space-y-1">
          <h2 id={titleId} className="text-base font-semibold">
            {title}
          </h2>
          {explain}
        </div>
        {children}
        {Boolean(error) && <ErrorNote>{errorText(error)}</ErrorNote>}
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

/** The reason an audited change is made for: required, a sentence at least. */
export function ReasonField({ id, placeholder }: { id: string; placeholder: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        Reason
      </label>
      <textarea
        id={id}
        name="reason"
        required
        minLength={5}
        rows={3}
        placeholder={placeholder}
        className={inputClass}
      />
    </div>
  );
}
