"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserRound } from "lucide-react";
import { useState } from "react";
import { EndUserFields, fieldIssues, formValues } from "../../_components/end-user-fields";
import { Button } from "../../_components/forms";
import { FormDialog, ReasonField } from "../../_components/reason-dialog";
import { Time } from "../../_components/time";
import type { RouterOutputs } from "../../_lib/router-types";
import { useTRPC } from "../../_lib/trpc";

type Form = NonNullable<RouterOutputs["endUser"]["waiting"]>["form"];

/**
 * The operation waits for its customer's answer to a step's form: since when, what they are
 * asked, and — for operators — answering for them with a reason (audited under their name).
 */
export function EndUserWaitNote({ operationId, blocked }: { operationId: string; blocked: boolean }) {
  const trpc = useTRPC();
  // Read only while the live detail says it is blocked on the customer; mounted throughout so the
  // outcome of answering for them stays on the page once the block is gone.
  const waiting = useQuery({ ...trpc.endUser.waiting.queryOptions({ operationId }), enabled: blocked });
  const actions = useQuery(trpc.actions.available.queryOptions({ operationId }));
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const w = blocked ? waiting.data : null;
  if (!w)
    return done ? (
      <p
        role="status"
        className="rounded-lg border border-status-completed/50 bg-status-completed/10 px-4 py-3 text-sm"
      >
        {done}
      </p>
    ) : null;
  return (
    <div
      role="note"
      data-testid="end-user-wait"
      className="flex flex-col gap-3 rounded-lg border border-status-blocked/50 bg-status-blocked/10 px-4 py-3 text-sm sm:flex-row sm:items-start sm:justify-between"
    >
      <div className="min-w-0 space-y-0.5">
        <p className="flex items-center gap-1.5 font-medium">
          <UserRound className="size-4 shrink-0" aria-hidden />
          {w.waitingFor}
        </p>
        <p>
          Since <Time value={w.since} showAbsolute />, at {w.stepTitle}. They answer on their track page (
          {w.form.title.toLowerCase()}) and the operation goes on by itself.
        </p>
      </div>
      {actions.data?.canAct && (
        <Button className="shrink-0 self-start" onClick={() => setOpen(true)}>
          Answer for the customer…
        </Button>
      )}
      {open && (
        <AnswerDialog
          operationId={operationId}
          form={w.form}
          onClose={(message) => {
            setOpen(false);
            if (message) setDone(message);
          }}
        />
      )}
    </div>
  );
}

function AnswerDialog({
  operationId,
  form,
  onClose,
}: {
  operationId: string;
  form: Form;
  onClose: (message?: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const answer = useMutation(
    trpc.endUser.answerForCustomer.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries();
        onClose("Answered for the customer: the operation goes on. The audit history records it.");
      },
    }),
  );
  return (
    <FormDialog
      titleId="answer-for-customer-title"
      title="Answer for the customer"
      explain={
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {form.title}, with what the customer told you. Their track link can no longer answer once you do;
          the step runs again with these values.
        </p>
      }
      confirmLabel={form.submitText}
      pending={answer.isPending}
      error={answer.error}
      onClose={() => {
        answer.reset();
        onClose();
      }}
      onSubmit={(data) =>
        answer.mutate({
          operationId,
          values: formValues(form, data),
          reason: String(data.get("reason") ?? ""),
        })
      }
    >
      <EndUserFields form={form} idPrefix="staff-answer" issues={fieldIssues(answer.error)} />
      <ReasonField
        id="answer-reason"
        placeholder="How the customer told you, in a sentence. It goes into the audit history."
      />
    </FormDialog>
  );
}
