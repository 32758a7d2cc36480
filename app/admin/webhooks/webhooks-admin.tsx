"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS, type WebhookEventType } from "@/server/domain/webhook-events";
import { Button, errorText, Field, inputClass } from "../../_components/forms";
import { QueryBody } from "../../_components/query-body";
import { ReasonDialog } from "../../_components/reason-dialog";
import { Time } from "../../_components/time";
import { Empty, PageHeader, Panel, PhoneLabel, PlainTable } from "../../_components/ui";
import { WorkflowTypesFieldset } from "../../_components/workflow-types-fieldset";
import type { RouterOutputs } from "../../_lib/router-types";
import { useTRPC } from "../../_lib/trpc";
import { DeliveryLog } from "./delivery-log";

type Endpoint = RouterOutputs["webhooks"]["list"]["endpoints"][number];

const FORMAT_TEXT: Record<(typeof WEBHOOK_FORMATS)[number], string> = {
  standard: "Standard Webhooks (signed JSON)",
  slack: "Slack-compatible text",
};

/** Admins' page for outbound webhooks: register an endpoint, see each one's health, disable, re-enable. */
export function WebhooksAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery(trpc.webhooks.list.queryOptions(undefined, { refetchInterval: 10_000 }));
  const [changing, setChanging] = useState<Endpoint | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  const setEnabled = useMutation(
    trpc.webhooks.setEnabled.mutationOptions({
      onSuccess: () => {
        setChanging(null);
        refresh();
      },
    }),
  );

  return (
    <div className="space-y-5">
      <PageHeader title="Webhooks">
        Endpoints receive operation and alert events as they commit, signed per Standard Webhooks, in order
        per operation, retried with backoff. One that keeps failing is disabled and alerts.
      </PageHeader>
      <RegisterEndpoint onCreated={refresh} />
      <Panel id="endpoints" title="Endpoints">
        <QueryBody query={endpoints}>
          {(data) =>
            data.endpoints.length === 0 ? (
              <Empty>No endpoints yet.</Empty>
            ) : (
              <PlainTable columns={["Endpoint", "Events", "State", "Waiting", "Last try", ""]} stackOnPhone>
                {data.endpoints.map((e) => (
                  <tr key={e.id} className="align-top">
                    <td className="px-4 py-2">
                      <div className="break-all font-mono text-xs">{e.url}</div>
                      {e.description ? <div className="text-xs text-zinc-500">{e.description}</div> : null}
                      <div className="text-xs text-zinc-500">
                        {FORMAT_TEXT[e.format]} · {e.workflowTypes?.join(", ") ?? "every workflow type"}
                      </div>
                    </td>
                    <td className="px-4 py-2 text-xs">
                      <PhoneLabel>Events</PhoneLabel>
                      {e.eventTypes.join(", ")}
                    </td>
                    <td className="px-4 py-2 text-xs">
                      <PhoneLabel>State</PhoneLabel>
                      {e.enabled ? (
                        <span className={e.consecutiveFailures > 0 ? "text-status-blocked-ink" : ""}>
                          Enabled
                          {e.consecutiveFailures > 0 ? ` · ${e.consecutiveFailures} failed in a row` : ""}
                        </span>
                      ) : (
                        <span className="text-status-failed-ink">
                          Disabled: {e.disabledReason ?? "no reason given"}
                        </span>
                      )}
                    </td>
                    <td className="px-4 py-2 text-xs">
                      <PhoneLabel>Waiting</PhoneLabel>
                      {e.pending} pending{e.dead > 0 ? ` · ${e.dead} dead` : ""}
                    </td>
                    <td className="px-4 py-2 text-xs">
                      <PhoneLabel>Last try</PhoneLabel>
                      <Time value={e.lastAttemptAt} />
                    </td>
                    <td className="space-x-2 whitespace-nowrap px-4 py-2 text-right">
                      <Button
                        onClick={() => setOpen(open === e.id ? null : e.id)}
                        aria-expanded={open === e.id}
                      >
                        {open === e.id ? "Hide log" : "Delivery log"}
                      </Button>
                      <Button onClick={() => setChanging(e)}>{e.enabled ? "Disable" : "Re-enable"}</Button>
                    </td>
                  </tr>
                ))}
              </PlainTable>
            )
          }
        </QueryBody>
      </Panel>
      {open && (
        <DeliveryLog
          endpointId={open}
          url={endpoints.data?.endpoints.find((e) => e.id === open)?.url ?? ""}
        />
      )}
      {changing && (
        <ReasonDialog
          title={`${changing.enabled ? "Disable" : "Re-enable"} ${changing.url}`}
          explain={
            changing.enabled
              ? "No new events are sent to it; deliveries already waiting stay until it is re-enabled."
              : "Its failure count is cleared and its waiting deliveries are tried now, in order."
          }
          confirmLabel={changing.enabled ? "Disable endpoint" : "Re-enable endpoint"}
          danger={changing.enabled}
          mutation={setEnabled}
          onConfirm={(reason) =>
            setEnabled.mutate({ endpointId: changing.id, enabled: !changing.enabled, reason })
          }
          onClose={() => setChanging(null)}
        />
      )}
    </div>
  );
}

function RegisterEndpoint({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const register = useMutation(
    trpc.webhooks.register.mutationOptions({
      onSuccess: (data, input) => {
        setSecret({ url: input.url, secret: data.secret });
        onCreated();
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const types = data.getAll("workflowTypes").map(String);
    register.mutate(
      {
        url: String(data.get("url")),
        description: String(data.get("description") ?? ""),
        eventTypes: data.getAll("eventTypes").map(String) as WebhookEventType[],
        workflowTypes: types.length > 0 ? types : null,
        format: String(data.get("format")) as (typeof WEBHOOK_FORMATS)[number],
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <Panel id="register-endpoint" title="Register an endpoint">
      {secret && (
        <div className="m-4 space-y-2 rounded-md border border-status-completed/50 bg-status-completed/10 p-3 text-sm">
          <p className="font-medium">
            Copy the signing secret of {secret.url} now: it will not be shown again. Receivers verify each
            delivery with it.
          </p>
          <div className="flex items-center gap-2">
            <code
              data-testid="new-webhook-secret"
              className="flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-950"
            >
              {secret.secret}
            </code>
            <Button onClick={() => void navigator.clipboard?.writeText(secret.secret)}>Copy</Button>
            <Button onClick={() => setSecret(null)}>Done</Button>
          </div>
        </div>
      )}
      <form onSubmit={submit} className="grid gap-4 p-4 sm:grid-cols-3">
        <div className="space-y-3">
          <Field id="webhook-url" label="URL" hint="https://… — private addresses are refused.">
            <input id="webhook-url" name="url" type="url" required maxLength={2000} className={inputClass} />
          </Field>
          <Field id="webhook-description" label="Description" hint="Who receives it.">
            <input id="webhook-description" name="description" maxLength={500} className={inputClass} />
          </Field>
          <Field id="webhook-format" label="Format">
            <select id="webhook-format" name="format" defaultValue="standard" className={inputClass}>
              {WEBHOOK_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_TEXT[f]}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Events</legend>
          {WEBHOOK_EVENT_TYPES.map((t) => (
            <label key={t} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="eventTypes"
                value={t}
                defaultChecked={t === "operation.status_changed"}
              />
              <span className="font-mono text-xs">{t}</span>
            </label>
          ))}
        </fieldset>
        <WorkflowTypesFieldset />
        <div className="flex items-center gap-3 sm:col-span-3">
          <Button type="submit" variant="primary" disabled={register.isPending}>
            {register.isPending ? "Registering…" : "Register endpoint"}
          </Button>
          {register.isError && (
            <span className="text-sm text-status-failed">{errorText(register.error)}</span>
          )}
        </div>
      </form>
    </Panel>
  );
}
