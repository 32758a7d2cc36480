"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { API_KEY_SCOPES, type ApiKeyScope } from "@/server/domain/principal";
import { Button, errorText, Field, inputClass } from "../../_components/forms";
import { QueryBody } from "../../_components/query-body";
import { ReasonDialog } from "../../_components/reason-dialog";
import { Time } from "../../_components/time";
import { Empty, PageHeader, Panel, PlainTable } from "../../_components/ui";
import { WorkflowTypesFieldset } from "../../_components/workflow-types-fieldset";
import { useTRPC } from "../../_lib/trpc";

const SCOPE_TEXT: Record<ApiKeyScope, string> = {
  "operations:write": "operations:write — start operations",
  "operations:read": "operations:read — read operations and workflows",
  "metrics:read": "metrics:read — scrape /api/metrics (Prometheus)",
};

export function ApiKeysAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.keys.list.queryOptions());
  const [revoking, setRevoking] = useState<{ id: string; name: string; prefix: string } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.admin.keys.list.queryKey() });
  const revoke = useMutation(
    trpc.admin.keys.revoke.mutationOptions({
      onSuccess: () => {
        setRevoking(null);
        refresh();
      },
    }),
  );

  return (
    <div className="space-y-5">
      <PageHeader title="API keys">
        Keys let other services call the HTTP API. Only a hash is stored: a key's secret is shown once, when
        it is created.
      </PageHeader>
      <CreateKey onCreated={refresh} />
      <Panel id="keys" title="Keys">
        <QueryBody query={keys}>
          {(data) =>
            data.keys.length === 0 ? (
              <Empty>No keys yet.</Empty>
            ) : (
              <PlainTable columns={["Key", "Scopes", "Workflow types", "Created", "Last used", ""]}>
                {data.keys.map((k) => (
                  <tr key={k.id} className={k.revokedAt ? "text-zinc-400" : ""}>
                    <td className="px-4 py-2">
                      <div className="font-medium">{k.name}</div>
                      <div className="font-mono text-xs text-zinc-500">{k.prefix}…</div>
                    </td>
                    <td className="px-4 py-2 text-xs">{k.scopes.join(", ")}</td>
                    <td className="px-4 py-2 text-xs">{k.workflowTypes?.join(", ") ?? "all"}</td>
                    <td className="px-4 py-2 text-xs">
                      <Time value={k.createdAt} />
                      {k.createdBy ? <div className="text-zinc-500">by {k.createdBy}</div> : null}
                    </td>
                    <td className="px-4 py-2 text-xs">
                      <Time value={k.lastUsedAt} />
                    </td>
                    <td className="px-4 py-2 text-right text-xs">
                      {k.revokedAt ? (
                        <span>
                          Revoked <Time value={k.revokedAt} />
                        </span>
                      ) : (
                        <Button onClick={() => setRevoking(k)}>Revoke</Button>
                      )}
                    </td>
                  </tr>
                ))}
              </PlainTable>
            )
          }
        </QueryBody>
      </Panel>
      {revoking && (
        <ReasonDialog
          title={`Revoke "${revoking.name}" (${revoking.prefix}…)`}
          explain="Calls with this key are refused from now on (within 10 seconds on every web process). This cannot be undone."
          confirmLabel="Revoke key"
          danger
          mutation={revoke}
          onConfirm={(reason) => revoke.mutate({ keyId: revoking.id, reason })}
          onClose={() => setRevoking(null)}
        />
      )}
    </div>
  );
}

function CreateKey({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation(
    trpc.admin.keys.create.mutationOptions({
      onSuccess: (data, input) => {
        setSecret({ name: input.name, secret: data.secret });
        setCopied(false);
        onCreated();
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const types = data.getAll("workflowTypes").map(String);
    create.mutate(
      {
        name: String(data.get("name")),
        scopes: data.getAll("scopes").map(String) as ApiKeyScope[],
        workflowTypes: types.length > 0 ? types : null,
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <Panel id="create-key" title="Create a key">
      {secret && (
        <div className="m-4 space-y-2 rounded-md border border-status-completed/50 bg-status-completed/10 p-3 text-sm">
          <p className="font-medium">Copy the secret of “{secret.name}” now: it will not be shown again.</p>
          <div className="flex items-center gap-2">
            <code
              data-testid="new-key-secret"
              className="flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-950"
            >
              {secret.secret}
            </code>
            <Button
              onClick={() => {
                void navigator.clipboard?.writeText(secret.secret).then(() => setCopied(true));
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
            <Button onClick={() => setSecret(null)}>Done</Button>
          </div>
        </div>
      )}
      <form onSubmit={submit} className="grid gap-4 p-4 sm:grid-cols-3">
        <Field id="key-name" label="Name" hint="Who uses it, e.g. “checkout service”.">
          <input id="key-name" name="name" required maxLength={100} className={inputClass} />
        </Field>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Scopes</legend>
          {API_KEY_SCOPES.map((s) => (
            <label key={s} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="scopes" value={s} defaultChecked={s === "operations:read"} />
              {SCOPE_TEXT[s]}
            </label>
          ))}
        </fieldset>
        <WorkflowTypesFieldset />
        <div className="flex items-center gap-3 sm:col-span-3">
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create key"}
          </Button>
          {create.isError && <span className="text-sm text-status-failed">{errorText(create.error)}</span>}
        </div>
      </form>
    </Panel>
  );
}
