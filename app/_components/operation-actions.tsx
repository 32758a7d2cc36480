"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { RouterOutputs } from "../_lib/router-types";
import { useTRPC } from "../_lib/trpc";
import { ActionConsequences } from "./action-consequences";
import { Button, inputClass } from "./forms";
import { FormDialog, ReasonField } from "./reason-dialog";

type ActionName = RouterOutputs["actions"]["available"]["actions"][number]["action"];

const COPY: Record<
  ActionName,
  {
    label: string;
    title: (step: string | null) => string;
    explain: (step: string | null) => string;
    danger?: boolean;
  }
> = {
  resume: {
    label: "Resume",
    title: () => "Resume this operation",
    explain: () => "The blocked step runs again and re-reads the world. Fix the cause first.",
  },
  retry: {
    label: "Retry now",
    title: () => "Retry now",
    explain: () =>
      "The step waiting out its backoff runs at once; its idempotency key keeps effects from repeating.",
  },
  replay: {
    label: "Replay step",
    title: (s) => `Replay "${s}"`,
    explain: (s) =>
      `"${s}" runs again now. Its idempotency key keeps external effects from being applied twice.`,
  },
  approve: {
    label: "Approve review",
    title: () => "Approve the review",
    explain: () => "Records your approval on the pending review; the review step then continues.",
  },
  reject: {
    label: "Reject review",
    title: () => "Reject the review",
    explain: () => "Records your rejection; the operation fails and its compensations run.",
    danger: true,
  },
  skip: {
    label: "Skip step…",
    title: (s) => `Skip "${s}" with an override`,
    explain: (s) =>
      `Marks "${s}" as done without running it, with your reason. Enter its output if later steps need one.`,
  },
  compensate: {
    label: "Compensate again",
    title: () => "Run the undo again",
    explain: () =>
      "An undo failed and blocked the operation. Fix its cause first; then the remaining undos run, latest first, and the operation ends failed.",
    danger: true,
  },
  run_now: {
    label: "Run now",
    title: (s) => `Run "${s}" now`,
    explain: (s) =>
      `"${s}" is scheduled for later (its timer). It runs now instead, with your reason; the timer does not fire again.`,
  },
  cancel: {
    label: "Cancel operation",
    title: () => "Cancel this operation",
    explain: () =>
      "Stops before the next step and undoes what the workflow can undo, latest first; the operation ends failed.",
    danger: true,
  },
};

const ORDER: ActionName[] = [
  "run_now",
  "resume",
  "retry",
  "replay",
  "approve",
  "reject",
  "skip",
  "compensate",
  "cancel",
];

/**
 * The operator actions the operation's current state allows, each behind a dialog that asks
 * for a reason (and, to skip a step, optionally its output). Hidden for support: the server
 * refuses their calls anyway.
 */
export function OperationActions({ operationId }: { operationId: string }) {
  const trpc = useTRPC();
  const available = useQuery({
    ...trpc.actions.available.queryOptions({ operationId }),
    refetchInterval: 3_000,
  });
  type Available = NonNullable<typeof available.data>["actions"][number];
  const [open, setOpen] = useState<Available | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (available.isPending) return <p className="px-4 py-3 text-sm text-zinc-500">Loading…</p>;
  if (available.isError || !available.data.canAct) {
    return (
      <p className="px-4 py-3 text-sm text-zinc-500 dark:text-zinc-400" data-testid="actions-read-only">
        Operators and admins can act on operations; your role can read everything.
      </p>
    );
  }
  const actions = [...available.data.actions].sort(
    (a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action),
  );
  return (
    <div className="space-y-3 px-4 py-3">
      {actions.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Nothing to do: no action applies in this state.
        </p>
      ) : (
        <div className="flex flex-wrap gap-2">
          {actions.map((a) => (
            <Button
              key={`${a.action}:${a.step}`}
              variant={COPY[a.action].danger ? "secondary" : "primary"}
              className={COPY[a.action].danger ? "text-status-failed" : ""}
              onClick={() => {
                setDone(null);
                setOpen(a);
              }}
            >
              {COPY[a.action].label}
            </Button>
          ))}
        </div>
      )}
      {done && (
        <p role="status" className="text-sm text-status-completed-ink">
          {done}
        </p>
      )}
      {open && (
        <ActionDialog
          operationId={operationId}
          action={open.action}
          step={open.step}
          consequences={open.consequences}
          onClose={(message) => {
            setOpen(null);
            if (message) setDone(message);
          }}
        />
      )}
    </div>
  );
}

function ActionDialog({
  operationId,
  action,
  step,
  consequences,
  onClose,
}: {
  operationId: string;
  action: ActionName;
  step: string | null;
  consequences: Parameters<typeof ActionConsequences>[0]["consequences"] | null;
  onClose: (message?: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [outputError, setOutputError] = useState<string | null>(null);
  const copy = COPY[action];
  const onSuccess = () => {
    // The timeline, stages, actions and audit history all changed.
    void queryClient.invalidateQueries();
    onClose(`${copy.label.replace("…", "")}: done. The audit history records it.`);
  };
  const mutations = {
    retry: useMutation(trpc.actions.retry.mutationOptions({ onSuccess })),
    replay: useMutation(trpc.actions.replay.mutationOptions({ onSuccess })),
    resume: useMutation(trpc.actions.resume.mutationOptions({ onSuccess })),
    approve: useMutation(trpc.actions.approve.mutationOptions({ onSuccess })),
    reject: useMutation(trpc.actions.reject.mutationOptions({ onSuccess })),
    skip: useMutation(trpc.actions.skip.mutationOptions({ onSuccess })),
    compensate: useMutation(trpc.actions.compensate.mutationOptions({ onSuccess })),
    cancel: useMutation(trpc.actions.cancel.mutationOptions({ onSuccess })),
    run_now: useMutation(trpc.actions.runNow.mutationOptions({ onSuccess })),
  };
  const mutation = mutations[action];

  function submit(form: FormData) {
    const reason = String(form.get("reason") ?? "");
    if (action === "skip") {
      const raw = String(form.get("output") ?? "").trim();
      let output: unknown;
      if (raw) {
        try {
          output = JSON.parse(raw);
        } catch {
          setOutputError('The output must be JSON, e.g. {"tracking": "TRK123"}.');
          return;
        }
      }
      setOutputError(null);
      mutations.skip.mutate({ operationId, step: step!, reason, output });
    } else if (action === "replay") {
      mutations.replay.mutate({ operationId, step: step!, reason });
    } else if (action === "run_now") {
      mutations.run_now.mutate({ operationId, step: step!, reason });
    } else {
      mutations[action].mutate({ operationId, reason });
    }
  }

  return (
    <FormDialog
      titleId="action-dialog-title"
      title={copy.title(step)}
      explain={
        <div className="space-y-3">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{copy.explain(step)}</p>
          {consequences && <ActionConsequences consequences={consequences} />}
        </div>
      }
      confirmLabel={copy.label.replace("…", "")}
      danger={copy.danger}
      pending={mutation.isPending}
      error={mutation.isError ? mutation.error : null}
      onSubmit={submit}
      onClose={() => onClose()}
    >
      <ReasonField
        id="action-reason"
        placeholder="What you checked or fixed, in a sentence. It goes into the audit history."
      />
      {action === "skip" && (
        <div className="space-y-1">
          <label htmlFor="action-output" className="block text-sm font-medium">
            Output (JSON, optional)
          </label>
          <textarea id="action-output" name="output" rows={3} className={`${inputClass} font-mono text-xs`} />
          {outputError && <p className="text-xs text-status-failed">{outputError}</p>}
        </div>
      )}
    </FormDialog>
  );
}
