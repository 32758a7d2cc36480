"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { STAFF_ROLES, type StaffRole } from "@/server/domain/roles";
import { Button, errorText, Field, inputClass } from "../../_components/forms";
import { QueryBody } from "../../_components/query-body";
import { ReasonDialog } from "../../_components/reason-dialog";
import { Select } from "../../_components/select";
import { Time } from "../../_components/time";
import { PageHeader, Panel, PlainTable } from "../../_components/ui";
import { useTRPC } from "../../_lib/trpc";

const ROLE_TEXT: Record<StaffRole, string> = {
  support: "Support — search and read everything, no actions",
  operator: "Operator — support, plus operator actions",
  admin: "Admin — operator, plus people, roles and API keys",
};

type Pending =
  | { kind: "role"; userId: string; email: string; role: StaffRole }
  | { kind: "active"; userId: string; email: string; active: boolean };

export function PeopleAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const people = useQuery(trpc.admin.people.list.queryOptions());
  const [pending, setPending] = useState<Pending | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.admin.people.list.queryKey() });
  /** A change went through: close its dialog and read the list again. */
  const changed = () => {
    setPending(null);
    refresh();
  };
  const setRole = useMutation(trpc.admin.people.setRole.mutationOptions({ onSuccess: changed }));
  const setActive = useMutation(trpc.admin.people.setActive.mutationOptions({ onSuccess: changed }));

  return (
    <div className="space-y-5">
      <PageHeader title="People">
        Staff who can sign in. Role changes take effect on their next request; deactivating ends their
        sessions.
      </PageHeader>
      <Panel id="people" title="Staff">
        <QueryBody query={people}>
          {(data) => (
            <PlainTable columns={["Person", "Role", "Last sign-in", "Status", ""]}>
              {data.people.map((p) => (
                <tr key={p.id} className={p.active ? "" : "text-zinc-400"}>
                  <td className="px-4 py-2">
                    <div className="font-medium">{p.name}</div>
                    <div className="text-xs text-zinc-500">{p.email}</div>
                  </td>
                  <td className="px-4 py-2">
                    <label className="sr-only" htmlFor={`role-${p.id}`}>
                      Role of {p.email}
                    </label>
                    <Select
                      id={`role-${p.id}`}
                      value={p.role}
                      disabled={!p.active}
                      onChange={(e) =>
                        setPending({
                          kind: "role",
                          userId: p.id,
                          email: p.email,
                          role: e.target.value as StaffRole,
                        })
                      }
                      className={inputClass.replace("w-full", "w-32")}
                      options={STAFF_ROLES.map((r) => ({ value: r, label: r }))}
                    />
                  </td>
                  <td className="px-4 py-2 text-xs">
                    <Time value={p.lastSignInAt} />
                  </td>
                  <td className="px-4 py-2 text-xs">{p.active ? "Active" : "Deactivated"}</td>
                  <td className="px-4 py-2 text-right">
                    <Button
                      onClick={() =>
                        setPending({ kind: "active", userId: p.id, email: p.email, active: !p.active })
                      }
                    >
                      {p.active ? "Deactivate" : "Reactivate"}
                    </Button>
                  </td>
                </tr>
              ))}
            </PlainTable>
          )}
        </QueryBody>
      </Panel>
      <AddPerson onAdded={refresh} />
      {pending?.kind === "role" && (
        <ReasonDialog
          title={`Make ${pending.email} ${pending.role}`}
          explain={ROLE_TEXT[pending.role]}
          confirmLabel="Change role"
          mutation={setRole}
          onConfirm={(reason) => setRole.mutate({ userId: pending.userId, role: pending.role, reason })}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === "active" && (
        <ReasonDialog
          title={`${pending.active ? "Reactivate" : "Deactivate"} ${pending.email}`}
          explain={
            pending.active
              ? "They can sign in again with their password."
              : "Their sessions end now and they cannot sign in. The audit history keeps their name."
          }
          confirmLabel={pending.active ? "Reactivate" : "Deactivate"}
          danger={!pending.active}
          mutation={setActive}
          onConfirm={(reason) => setActive.mutate({ userId: pending.userId, active: pending.active, reason })}
          onClose={() => setPending(null)}
        />
      )}
    </div>
  );
}

function AddPerson({ onAdded }: { onAdded: () => void }) {
  const trpc = useTRPC();
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation(
    trpc.admin.people.create.mutationOptions({
      onSuccess: (_data, input) => {
        setAdded(`${input.email} can now sign in as ${input.role}. Give them the password out of band.`);
        onAdded();
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setAdded(null);
    create.mutate(
      {
        name: String(data.get("name")),
        email: String(data.get("email")),
        role: String(data.get("role")) as StaffRole,
        password: String(data.get("password")),
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <Panel id="add-person" title="Add a person">
      <form onSubmit={submit} className="grid gap-4 p-4 sm:grid-cols-2">
        <Field id="new-name" label="Name">
          <input id="new-name" name="name" required className={inputClass} />
        </Field>
        <Field id="new-email" label="Email">
          <input id="new-email" name="email" type="email" required className={inputClass} />
        </Field>
        <Field id="new-role" label="Role">
          <Select
            id="new-role"
            name="role"
            defaultValue="support"
            className={inputClass}
            options={STAFF_ROLES.map((r) => ({ value: r, label: ROLE_TEXT[r] }))}
          />
        </Field>
        <Field id="new-password" label="Initial password" hint="At least 10 characters; share it privately.">
          <input
            id="new-password"
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={10}
            required
            className={inputClass}
          />
        </Field>
        <div className="flex items-center gap-3 sm:col-span-2">
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add person"}
          </Button>
          {create.isError && <span className="text-sm text-status-failed">{errorText(create.error)}</span>}
          {added && (
            <span role="status" className="text-sm text-status-completed-ink">
              {added}
            </span>
          )}
        </div>
      </form>
    </Panel>
  );
}
