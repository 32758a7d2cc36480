"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMe } from "../_lib/me";
import { useTRPC } from "../_lib/trpc";
import { Button } from "./forms";
import { ReasonDialog } from "./reason-dialog";
import { Time } from "./time";

/**
 * Pause or resume a workflow type when its downstream is failing: a banner while paused,
 * and for operators the controls (the choice of what intake does meanwhile included).
 */
export function WorkflowPause({ workflowType }: { workflowType: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pauses = useQuery({ ...trpc.actions.pauses.queryOptions(), refetchInterval: 10_000 });
  const me = useMe();
  const [dialog, setDialog] = useState<"pause" | "resume" | null>(null);
  const [intake, setIntake] = useState<"queue" | "reject">("queue");
  const onSuccess = () => {
    setDialog(null);
    void queryClient.invalidateQueries({ queryKey: trpc.actions.pauses.queryKey() });
  };
  const pause = useMutation(trpc.actions.pauseWorkflow.mutationOptions({ onSuccess }));
  const resume = useMutation(trpc.actions.resumeWorkflow.mutationOptions({ onSuccess }));

  const paused = pauses.data?.pauses.find((p) => p.workflowType === workflowType);
  const canAct = me?.signedIn && me.user.role !== "support";
  return (
    <div
      className={`flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3 text-sm ${
        paused
          ? "border-status-blocked/50 bg-status-blocked/10"
          : "border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
      }`}
      data-testid="workflow-pause"
    >
      {paused ? (
        <div>
          <p className="font-medium">
            Paused by {paused.pausedBy} <Time value={paused.pausedAt} />:{" "}
            {paused.intake === "queue"
              ? "new operations are accepted and wait; no step starts."
              : "intake answers 503 (Retry-After); no step starts."}
          </p>
          <p className="text-zinc-600 dark:text-zinc-400">“{paused.reason}”</p>
        </div>
      ) : (
        <p className="text-zinc-600 dark:text-zinc-400">Running. Pause it when its downstream is failing.</p>
      )}
      {canAct && (
        <Button
          variant={paused ? "primary" : "secondary"}
          onClick={() => setDialog(paused ? "resume" : "pause")}
        >
          {paused ? "Resume workflow" : "Pause workflow…"}
        </Button>
      )}
      {dialog === "pause" && (
        <ReasonDialog
          title={`Pause ${workflowType}`}
          explain="Workers start no new step of this type; a step already running finishes."
          confirmLabel="Pause"
          mutation={pause}
          onConfirm={(reason) => pause.mutate({ workflowType, intake, reason })}
          onClose={() => setDialog(null)}
        >
          <fieldset className="space-y-1 text-sm">
            <legend className="font-medium">Meanwhile, new requests…</legend>
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name="intake"
                checked={intake === "queue"}
                onChange={() => setIntake("queue")}
              />
              are accepted and wait (visible as accepted)
            </label>
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name="intake"
                checked={intake === "reject"}
                onChange={() => setIntake("reject")}
              />
              are refused with 503 and Retry-After
            </label>
          </fieldset>
        </ReasonDialog>
      )}
      {dialog === "resume" && (
        <ReasonDialog
          title={`Resume ${workflowType}`}
          explain="Every in-flight operation of this type continues; intake accepts again."
          confirmLabel="Resume"
          mutation={resume}
          onConfirm={(reason) => resume.mutate({ workflowType, reason })}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}
