"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Hourglass } from "lucide-react";
import { useState } from "react";
import { Button, inputClass } from "../../_components/forms";
import { FormDialog, ReasonField } from "../../_components/reason-dialog";
import { Age, formatDuration, Time } from "../../_components/time";
import { Fact, IconTitle, Panel } from "../../_components/ui";
import { useTRPC } from "../../_lib/trpc";
import type { Detail } from "./detail";

type Wait = Detail["waits"][number];

const STATE_WORDS: Record<Wait["state"], string> = {
  waiting: "open",
  completed: "completed",
  expired: "past its deadline",
  cancelled: "cancelled (the operation moved on)",
};
const ANSWER_WORDS: Record<Wait["answers"][number]["result"], string> = {
  accepted: "accepted",
  duplicate: "refused: the same answer again (answered with the first)",
  conflict: "refused: a different answer after the first",
  deadline_passed: "refused: after the deadline",
  expired: "refused: the wait was over",
  finished: "refused: the operation had moved on",
};

/**
 * Each durable wait of the operation: what it waits for and on whom, since when, its deadline
 * and heartbeats, every answer that reached it (accepted, refused duplicates, late ones), and
 * for an operator the "complete by hand" control of an open acknowledgment.
 */
export function WaitsView({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const available = useQuery(trpc.actions.available.queryOptions({ operationId: detail.operation.id }));
  const [open, setOpen] = useState<Wait | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (detail.waits.length === 0) return null;
  const canAct = available.data?.canAct === true;
  return (
    <Panel id="waits" title={<IconTitle icon={Hourglass}>Waits</IconTitle>}>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="waits">
        {detail.waits.map((w) => (
          <li key={w.id} className="space-y-2 px-4 py-3" data-testid={`wait-${w.step}`} data-state={w.state}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <p className="min-w-0 text-sm font-medium break-words">{w.stage}</p>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                {STATE_WORDS[w.state]}
                {w.state === "waiting" && (
                  <>
                    {" "}
                    for <Age since={w.since} />
                  </>
                )}
              </span>
            </div>
            <dl className="grid grid-cols-1 gap-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
              <Fact label="Step">{w.step}</Fact>
              <Fact label={w.kind === "timer" ? "Kind" : "Waiting on"}>
                {w.kind === "timer" ? "timer (no worker held)" : w.target}
              </Fact>
              <Fact label="Since">
                <Time value={w.since} />
              </Fact>
              {w.kind === "timer" ? (
                <Fact label="Runs at">{w.wakeAt ? <Time value={w.wakeAt} /> : "—"}</Fact>
              ) : (
                <Fact label="Deadline">{w.deadlineAt ? <Time value={w.deadlineAt} /> : "none"}</Fact>
              )}
              {w.heartbeatMs !== null && (
                <Fact label={`Heartbeat every ${formatDuration(w.heartbeatMs)}`}>
                  {w.lastHeartbeatAt ? (
                    <>
                      last <Time value={w.lastHeartbeatAt} />
                    </>
                  ) : (
                    "none yet"
                  )}
                  {w.heartbeatDeadlineAt && w.state === "waiting" && (
                    <>
                      {" "}
                      · next by <Time value={w.heartbeatDeadlineAt} />
                    </>
                  )}
                </Fact>
              )}
              {w.completedAt && (
                <Fact label="Completed">
                  <Time value={w.completedAt} /> by {w.completedBy ?? "?"}
                  {w.outcome && w.outcome !== "succeeded" ? ` (${w.outcome})` : ""}
                </Fact>
              )}
            </dl>
            {w.answers.length > 0 && (
              <div>
                <p className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Answers received</p>
                <ul className="mt-1 space-y-0.5 text-xs" data-testid={`wait-answers-${w.step}`}>
                  {w.answers.map((a, i) => (
                    <li key={`${a.at.toISOString()}:${i}`} className="break-words">
                      <Time value={a.at} /> · {a.by ?? "unknown"} · {a.outcome ?? "?"} ·{" "}
                      <span
                        className={
                          a.result === "accepted" ? "text-status-completed-ink" : "text-status-blocked-ink"
                        }
                      >
                        {ANSWER_WORDS[a.result]}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {canAct && w.kind === "acknowledgment" && w.state === "waiting" && (
              <Button
                variant="secondary"
                onClick={() => {
                  setDone(null);
                  setOpen(w);
                }}
              >
                Complete by hand…
              </Button>
            )}
          </li>
        ))}
      </ul>
      {done && (
        <p role="status" className="px-4 pb-3 text-sm text-status-completed-ink">
          {done}
        </p>
      )}
      {open && (
        <CompleteDialog
          operationId={detail.operation.id}
          wait={open}
          onClose={(message) => {
            setOpen(null);
            if (message) setDone(message);
          }}
        />
      )}
    </Panel>
  );
}

function CompleteDialog({
  operationId,
  wait,
  onClose,
}: {
  operationId: string;
  wait: Wait;
  onClose: (message?: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [payloadError, setPayloadError] = useState<string | null>(null);
  const mutation = useMutation(
    trpc.waits.completeByHand.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries();
        onClose("Wait completed by hand. The audit history records it.");
      },
    }),
  );
  function submit(form: FormData) {
    const reason = String(form.get("reason") ?? "");
    let payload: unknown = {};
    const raw = String(form.get("payload") ?? "").trim();
    if (raw) {
      try {
        payload = JSON.parse(raw);
      } catch {
        setPayloadError('The answer must be JSON, e.g. {"pickupRef": "PU-123"}.');
        return;
      }
    }
    setPayloadError(null);
    mutation.mutate({
      operationId,
      step: wait.step,
      reason,
      acknowledgment: { status: "succeeded", payload },
    });
  }
  return (
    <FormDialog
      titleId="complete-wait-title"
      title={`Complete "${wait.step}" by hand`}
      explain={
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Records {wait.target}'s answer for it (you heard it another way) and the step continues. The first
          answer wins: if {wait.target} answered meanwhile, yours is refused.
        </p>
      }
      confirmLabel="Complete the wait"
      pending={mutation.isPending}
      error={mutation.isError ? mutation.error : null}
      onSubmit={submit}
      onClose={() => onClose()}
    >
      <ReasonField
        id="complete-wait-reason"
        placeholder="How you know, in a sentence. It goes into the audit history."
      />
      <div className="space-y-1">
        <label htmlFor="complete-wait-payload" className="block text-sm font-medium">
          The answer (JSON, as the step expects it)
        </label>
        <textarea
          id="complete-wait-payload"
          name="payload"
          rows={3}
          className={`${inputClass} font-mono text-xs`}
        />
        {payloadError && <p className="text-xs text-status-failed">{payloadError}</p>}
      </div>
    </FormDialog>
  );
}
