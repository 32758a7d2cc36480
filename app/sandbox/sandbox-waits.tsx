"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { SANDBOX_CONTROLS } from "@/server/workflows/kit/controls";
import { Button, errorText, Field, inputClass } from "../_components/forms";
import { OperationLink } from "../_components/links";
import { QueryBody } from "../_components/query-body";
import { Select } from "../_components/select";
import { Age, Time } from "../_components/time";
import { Empty, ErrorNote, Panel, PhoneLabel, PlainTable } from "../_components/ui";
import type { RouterOutputs } from "../_lib/router-types";
import { useTRPC } from "../_lib/trpc";

type SandboxWait = RouterOutputs["sandbox"]["waits"]["waits"][number];
type Mode = RouterOutputs["sandbox"]["callbackSettings"]["mode"];

const MODES: { value: Mode; label: string }[] = [
  { value: "confirm", label: "Confirms the pickup" },
  { value: "duplicate", label: "Confirms twice (a duplicate callback)" },
  { value: "fail", label: "Says it could not collect (a failure)" },
  { value: "never", label: "Never answers (the deadline decides)" },
];

/** How the simulated carrier answers a pickup's callback: on time, late (a long delay), twice, failing, never. */
export function CarrierCallback() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.sandbox.callbackSettings.queryOptions());
  // The form is not keyed on the change: the saved values are already its own, and its status line stays.
  return (
    <Panel title={SANDBOX_CONTROLS.carrierCallback}>
      <QueryBody query={settings}>{(data) => <CarrierCallbackForm settings={data} />}</QueryBody>
    </Panel>
  );
}

function CarrierCallbackForm({ settings }: { settings: RouterOutputs["sandbox"]["callbackSettings"] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>(settings.mode);
  const [delayMs, setDelayMs] = useState(String(settings.delayMs));
  const [done, setDone] = useState<string | null>(null);
  const save = useMutation(
    trpc.sandbox.setCallbackSettings.mutationOptions({
      onSuccess: async () => {
        setDone("Applied: the next booked shipment is answered this way.");
        await queryClient.invalidateQueries({ queryKey: trpc.sandbox.callbackSettings.queryKey() });
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    save.mutate({ mode, delayMs: Math.max(0, Math.round(Number(delayMs) || 0)) });
  };
  return (
    <form onSubmit={submit} className="space-y-3 p-4" aria-label={SANDBOX_CONTROLS.carrierCallback}>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        After booking a shipment the carrier confirms the pickup by itself, by calling the order&apos;s
        callback URL. A delay longer than the five-minute deadline makes it late: its answer is then refused
        and recorded.
      </p>
      <div className="grid gap-3 sm:grid-cols-[1fr_9rem]">
        <Field id="carrier-callback-mode" label="The carrier">
          <Select
            id="carrier-callback-mode"
            className={inputClass}
            value={mode}
            options={MODES}
            onChange={(e) => setMode(e.target.value as Mode)}
          />
        </Field>
        <Field id="carrier-callback-delay" label="After (ms)">
          <input
            id="carrier-callback-delay"
            type="number"
            min={0}
            max={86_400_000}
            className={`${inputClass} tabular-nums`}
            value={delayMs}
            onChange={(e) => setDelayMs(e.target.value)}
          />
        </Field>
      </div>
      <div className="flex items-center justify-between gap-3">
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          {settings.updatedAt ? (
            <>
              changed <Time value={settings.updatedAt} />
            </>
          ) : (
            "never changed"
          )}
        </span>
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? "Applying…" : "Apply"}
        </Button>
      </div>
      {done && (
        <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
          {done}
        </p>
      )}
      {save.isError && <ErrorNote>{errorText(save.error)}</ErrorNote>}
    </form>
  );
}

/**
 * The operations waiting for another system's acknowledgment, each answerable by hand as that
 * system would (success, failure, heartbeat when declared) — the same first-wins rules as the
 * callback URL, audited as the person.
 */
export function WaitingAcknowledgments() {
  const trpc = useTRPC();
  // Waits open and close by themselves (the carrier answers within a second): keep the list fresh.
  const waits = useQuery({ ...trpc.sandbox.waits.queryOptions(), refetchInterval: 2_000 });
  const [chosen, setChosen] = useState<SandboxWait | null>(null);
  return (
    <Panel title={SANDBOX_CONTROLS.waitingAcknowledgments} id="sandbox-acknowledgments">
      <QueryBody query={waits}>
        {(data) =>
          data.waits.length === 0 && !chosen ? (
            <Empty>No operation is waiting for an acknowledgment.</Empty>
          ) : (
            <div className="space-y-3">
              <PlainTable
                columns={["Operation", "Step", "Waiting for", "Since", "Deadline", ""]}
                stackOnPhone
              >
                {data.waits.map((w) => (
                  <tr key={w.waitId} data-wait={w.waitId}>
                    <td className="px-4 py-2">
                      <OperationLink id={w.operationId} reference={w.reference} />
                      <div className="text-xs text-zinc-500 dark:text-zinc-400">{w.type}</div>
                    </td>
                    <td className="px-4 py-2">
                      <PhoneLabel>Step</PhoneLabel>
                      {w.stepTitle}
                    </td>
                    <td className="px-4 py-2">{w.stage}</td>
                    <td className="px-4 py-2 whitespace-nowrap">
                      <PhoneLabel>Since</PhoneLabel>
                      <Age since={w.since} />
                    </td>
                    <td className="px-4 py-2 whitespace-nowrap">
                      <PhoneLabel>Deadline</PhoneLabel>
                      <Time value={w.deadlineAt} />
                    </td>
                    <td className="px-4 py-2 text-right">
                      <Button
                        onClick={() => setChosen(w)}
                        aria-pressed={chosen?.waitId === w.waitId}
                        aria-label={`Answer for ${w.target}: ${w.reference ?? w.operationId}`}
                      >
                        Answer…
                      </Button>
                    </td>
                  </tr>
                ))}
              </PlainTable>
              {chosen && <AnswerForm key={chosen.waitId} wait={chosen} onClose={() => setChosen(null)} />}
            </div>
          )
        }
      </QueryBody>
    </Panel>
  );
}

type Kind = "succeeded" | "failed" | "heartbeat";
type FailureClass = "transient" | "permanent" | "needs_person";

const FAILURE_CLASSES: { value: FailureClass; label: string }[] = [
  { value: "needs_person", label: "Needs a person (blocks the operation)" },
  { value: "transient", label: "Transient (the step runs its effect again)" },
  { value: "permanent", label: "Permanent (fails and undoes what was done)" },
];

function AnswerForm({ wait, onClose }: { wait: SandboxWait; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("succeeded");
  const [payload, setPayload] = useState(JSON.stringify(wait.examplePayload ?? {}, null, 2));
  const [failureClass, setFailureClass] = useState<FailureClass>("needs_person");
  const [message, setMessage] = useState(`${wait.target} could not do it (sandbox).`);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const send = useMutation(
    trpc.sandbox.acknowledge.mutationOptions({
      onSuccess: async (r) => {
        setDone(r.message);
        await queryClient.invalidateQueries({ queryKey: trpc.sandbox.waits.queryKey() });
      },
    }),
  );
  const kinds: { value: Kind; label: string }[] = [
    { value: "succeeded", label: "Success, with the payload" },
    { value: "failed", label: "Failure" },
    ...(wait.heartbeat ? [{ value: "heartbeat" as const, label: "Heartbeat (keeps it alive)" }] : []),
  ];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    setProblem(null);
    const base = { operationId: wait.operationId, step: wait.step };
    if (kind === "heartbeat") return send.mutate({ ...base, signal: { status: "heartbeat" } });
    if (kind === "failed")
      return send.mutate({ ...base, signal: { status: "failed", errorClass: failureClass, message } });
    let value: unknown;
    try {
      value = JSON.parse(payload);
    } catch {
      setProblem("The payload is not valid JSON.");
      return;
    }
    send.mutate({ ...base, signal: { status: "succeeded", payload: value } });
  };
  const id = `answer-${wait.waitId}`;
  return (
    <form
      onSubmit={submit}
      className="space-y-3 border-t border-zinc-100 p-4 dark:border-zinc-800"
      aria-label={`Answer as ${wait.target}`}
    >
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Answer as <span className="font-medium">{wait.target}</span> would, for{" "}
        <OperationLink id={wait.operationId} reference={wait.reference} /> ({wait.stepTitle}). The first
        acknowledgment wins; sending again shows how a duplicate or a conflicting one is answered.
      </p>
      <Field id={`${id}-kind`} label="Send">
        <Select
          id={`${id}-kind`}
          className={inputClass}
          value={kind}
          options={kinds}
          onChange={(e) => setKind(e.target.value as Kind)}
        />
      </Field>
      {kind === "succeeded" && (
        <Field
          id={`${id}-payload`}
          label="Payload (JSON)"
          hint="Checked against the step's schema; a payload it refuses changes nothing."
          error={problem}
        >
          <textarea
            id={`${id}-payload`}
            rows={5}
            spellCheck={false}
            className={`${inputClass} font-mono text-xs`}
            value={payload}
            onChange={(e) => setPayload(e.target.value)}
          />
        </Field>
      )}
      {kind === "failed" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id={`${id}-class`} label="Kind of failure">
            <Select
              id={`${id}-class`}
              className={inputClass}
              value={failureClass}
              options={FAILURE_CLASSES}
              onChange={(e) => setFailureClass(e.target.value as FailureClass)}
            />
          </Field>
          <Field id={`${id}-message`} label="Message">
            <input
              id={`${id}-message`}
              className={inputClass}
              value={message}
              maxLength={500}
              required
              onChange={(e) => setMessage(e.target.value)}
            />
          </Field>
        </div>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={send.isPending}>
          {send.isPending ? "Sending…" : "Send"}
        </Button>
        <Button onClick={onClose}>Close</Button>
      </div>
      {done && (
        <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
          {done}
        </p>
      )}
      {send.isError && <ErrorNote>{errorText(send.error)}</ErrorNote>}
    </form>
  );
}
