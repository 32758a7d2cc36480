"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, inputClass } from "../../_components/forms";
import { ReasonDialog } from "../../_components/reason-dialog";
import { useMe } from "../../_lib/me";
import { useTRPC } from "../../_lib/trpc";

const SILENCE_FOR = [
  { hours: 1, label: "1 hour" },
  { hours: 4, label: "4 hours" },
  { hours: 24, label: "1 day" },
  { hours: 168, label: "7 days" },
];

/** Acknowledge (firing only) and silence, each with the reason the audit keeps; operators and admins. */
export function AlertActions({ alertId, state }: { alertId: string; state: "firing" | "acknowledged" }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useMe();
  const [open, setOpen] = useState<"acknowledge" | "silence" | null>(null);
  const [hours, setHours] = useState(4);
  const onSuccess = async () => {
    setOpen(null);
    await queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  };
  const acknowledge = useMutation(trpc.alerts.acknowledge.mutationOptions({ onSuccess }));
  const silence = useMutation(trpc.alerts.silence.mutationOptions({ onSuccess }));
  if (!me?.signedIn || me.user.role === "support") return null;
  return (
    <div className="flex flex-wrap gap-2">
      {state === "firing" && (
        <Button variant="primary" onClick={() => setOpen("acknowledge")}>
          Acknowledge
        </Button>
      )}
      <Button onClick={() => setOpen("silence")}>Silence</Button>
      {open === "acknowledge" && (
        <ReasonDialog
          title="Acknowledge this alert"
          confirmLabel="Acknowledge"
          explain="Says someone is on it. The alert stays open until its condition clears; the note is shown on the alert and kept in the audit."
          mutation={acknowledge}
          onConfirm={(reason) => acknowledge.mutate({ alertId, reason })}
          onClose={() => setOpen(null)}
        />
      )}
      {open === "silence" && (
        <ReasonDialog
          title="Silence this alert"
          confirmLabel="Silence"
          explain="Hides it from the navigation's and the dashboard's count until the time below. It still resolves by itself."
          mutation={silence}
          onConfirm={(reason) =>
            silence.mutate({ alertId, reason, until: new Date(Date.now() + hours * 3_600_000) })
          }
          onClose={() => setOpen(null)}
        >
          <div className="space-y-1">
            <label htmlFor="silence-for" className="block text-sm font-medium">
              For
            </label>
            <select
              id="silence-for"
              value={hours}
              onChange={(e) => setHours(Number(e.target.value))}
              className={inputClass}
            >
              {SILENCE_FOR.map((s) => (
                <option key={s.hours} value={s.hours}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        </ReasonDialog>
      )}
    </div>
  );
}
