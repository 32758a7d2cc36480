"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { SANDBOX_CONTROLS } from "@/server/workflows/kit/controls";
import { Button } from "../_components/forms";
import { OperationLink } from "../_components/links";
import { QueryBody } from "../_components/query-body";
import { ReasonDialog } from "../_components/reason-dialog";
import { Age, Time } from "../_components/time";
import { Empty, Panel, PhoneLabel, PlainTable } from "../_components/ui";
import type { RouterOutputs } from "../_lib/router-types";
import { useTRPC } from "../_lib/trpc";

type SandboxTimer = RouterOutputs["sandbox"]["timers"]["timers"][number];

/**
 * The steps scheduled for later (durable timers), soonest due first, each with its due time and
 * Run now — the operator action of the detail page (a reason, audited), here so a drill need not
 * sit out a cooling-off window.
 */
export function ScheduledSteps() {
  const trpc = useTRPC();
  // Timers open and fire by themselves: keep the list fresh, like the waits above it.
  const timers = useQuery({ ...trpc.sandbox.timers.queryOptions(), refetchInterval: 2_000 });
  const [chosen, setChosen] = useState<SandboxTimer | null>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <Panel title={SANDBOX_CONTROLS.scheduledSteps} id="sandbox-timers">
      <QueryBody query={timers}>
        {(data) => (
          <div>
            {data.timers.length === 0 ? (
              <Empty>No step is scheduled for later.</Empty>
            ) : (
              <PlainTable columns={["Operation", "Step", "Waiting for", "Since", "Due", ""]} stackOnPhone>
                {data.timers.map((t) => (
                  <tr key={t.waitId} data-timer={t.waitId}>
                    <td className="px-4 py-2">
                      <OperationLink id={t.operationId} reference={t.reference} />
                      <div className="text-xs text-zinc-500 dark:text-zinc-400">{t.type}</div>
                    </td>
                    <td className="px-4 py-2">
                      <PhoneLabel>Step</PhoneLabel>
                      {t.stepTitle}
                    </td>
                    <td className="px-4 py-2">{t.stage}</td>
                    <td className="px-4 py-2 whitespace-nowrap">
                      <PhoneLabel>Since</PhoneLabel>
                      <Age since={t.since} />
                    </td>
                    <td className="px-4 py-2 whitespace-nowrap">
                      <PhoneLabel>Due</PhoneLabel>
                      <Time value={t.dueAt} />
                    </td>
                    <td className="px-4 py-2 text-right">
                      <Button
                        onClick={() => {
                          setDone(null);
                          setChosen(t);
                        }}
                        aria-label={`Run now: ${t.reference ?? t.operationId}, ${t.stepTitle}`}
                      >
                        Run now…
                      </Button>
                    </td>
                  </tr>
                ))}
              </PlainTable>
            )}
            {done && (
              <p role="status" className="px-4 py-3 text-sm text-zinc-700 dark:text-zinc-300">
                {done}
              </p>
            )}
            {chosen && (
              <RunNowDialog
                timer={chosen}
                onClose={(message) => {
                  setChosen(null);
                  if (message) setDone(message);
                }}
              />
            )}
          </div>
        )}
      </QueryBody>
    </Panel>
  );
}

function RunNowDialog({ timer, onClose }: { timer: SandboxTimer; onClose: (message?: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runNow = useMutation(
    trpc.actions.runNow.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.sandbox.timers.queryKey() });
        onClose(
          `Run now: "${timer.stepTitle}" of ${timer.reference ?? timer.operationId} runs now. The audit history records it.`,
        );
      },
    }),
  );
  return (
    <ReasonDialog
      title={`Run "${timer.stepTitle}" now`}
      confirmLabel="Run now"
      explain={
        <>
          {timer.stage}, due <Time value={timer.dueAt} showAbsolute />. It runs now instead, with your reason;
          the timer does not fire again.
        </>
      }
      mutation={runNow}
      onConfirm={(reason) => runNow.mutate({ operationId: timer.operationId, step: timer.step, reason })}
      onClose={() => onClose()}
    />
  );
}
