"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { Button } from "../../_components/forms";
import { ReasonDialog } from "../../_components/reason-dialog";
import { Time } from "../../_components/time";
import { Breadcrumb, ErrorNote, PageHeader, Panel } from "../../_components/ui";
import { useMe } from "../../_lib/me";
import type { RouterOutputs } from "../../_lib/router-types";
import { useTRPC } from "../../_lib/trpc";
import { ALERT_RULE_LABELS } from "../alert-ui";
import { RuleEditDialog } from "./rule-edit-dialog";
import { RULE_MEANINGS, type RuleSetting, thresholdText } from "./rule-words";

type RuleType = RouterOutputs["alerts"]["rules"]["types"][number];

/** Every alert rule per workflow type, its default beside what holds now; admins change or reset a row. */
export function AlertRulesView() {
  const trpc = useTRPC();
  const query = useQuery(trpc.alerts.rules.queryOptions());
  const me = useMe();
  const admin = me?.signedIn === true && me.user.role === "admin";
  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <Breadcrumb href="/alerts" label="Alerts" current="Rules" />
        <PageHeader title="Alert rules">
          Each workflow type&apos;s rules start from its definition (its objective and stuck threshold).{" "}
          {admin
            ? "Change a threshold, turn a rule off for one type, or reset it to the default: each change needs a reason and is audited."
            : "Admins can change a threshold for one type; who changed it and why is shown beside it."}{" "}
          Earlier changes are in the audit:{" "}
          <Link href="/audit?action=alert_rule_changed" className="text-sky-700 underline dark:text-sky-400">
            overrides
          </Link>{" "}
          and{" "}
          <Link href="/audit?action=alert_rule_reset" className="text-sky-700 underline dark:text-sky-400">
            resets
          </Link>
          .
        </PageHeader>
      </div>
      {query.isError && <ErrorNote>The rules could not be loaded. Try again in a moment.</ErrorNote>}
      {query.isPending && <p className="text-sm text-zinc-500">Loading…</p>}
      {query.data?.types.map((type) => (
        <TypeRules key={type.workflowType} type={type} admin={admin} windowLimits={query.data.windowLimits} />
      ))}
    </div>
  );
}

function TypeRules({
  type,
  admin,
  windowLimits,
}: {
  type: RuleType;
  admin: boolean;
  windowLimits: { min: number; max: number };
}) {
  const fleet = type.workflowType === "*";
  const id = `rules-${type.workflowType === "*" ? "fleet" : type.workflowType.replaceAll(".", "-")}`;
  return (
    <Panel
      id={id}
      title={
        <>
          {type.title}
          {!fleet && (
            <span className="ml-2 font-mono text-xs font-normal text-zinc-500">{type.workflowType}</span>
          )}
        </>
      }
    >
      <RulesTable admin={admin}>
        {type.rules.map((r) => (
          <RuleRow key={r.rule} type={type} rule={r} admin={admin} windowLimits={windowLimits} />
        ))}
      </RulesTable>
    </Panel>
  );
}

/**
 * PlainTable's look, with the Default, Changed and button columns folded into the rule's cell
 * on a phone: the rule and what holds now stay side by side at 390 px without scrolling.
 */
function RulesTable({ admin, children }: { admin: boolean; children: ReactNode }) {
  const th = "px-3 py-2 font-medium sm:px-4";
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-zinc-500 dark:text-zinc-400">
          <tr>
            <th className={`${th} sm:w-[30%]`}>Rule</th>
            <th className={`${th} hidden sm:table-cell sm:w-[14%]`}>Default</th>
            <th className={`${th} sm:w-[14%]`}>Current</th>
            <th className={`${th} hidden sm:table-cell`}>Changed</th>
            {admin && (
              <th className="hidden px-4 py-2 sm:table-cell sm:w-72">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 align-top dark:divide-zinc-800">{children}</tbody>
      </table>
    </div>
  );
}

function RuleRow({
  type,
  rule: r,
  admin,
  windowLimits,
}: {
  type: RuleType;
  rule: RuleSetting;
  admin: boolean;
  windowLimits: { min: number; max: number };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<"edit" | "reset" | null>(null);
  const onSuccess = async () => {
    setOpen(null);
    await queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey() });
  };
  const reset = useMutation(trpc.alerts.clearRuleOverride.mutationOptions({ onSuccess }));
  const label = ALERT_RULE_LABELS[r.rule];
  const where = type.workflowType === "*" ? "all workflow types" : type.workflowType;
  const window = (ms: number) => (r.windowed ? ` over ${thresholdText("ms", ms)}` : "");
  const defaultText = (
    <>
      {thresholdText(r.unit, r.defaultThreshold)}
      <span className="text-zinc-500">{window(r.defaultWindowMs)}</span>
    </>
  );
  const changed = r.override ? (
    <>
      <div>
        <span className="wrap-anywhere">{r.override.updatedBy}</span>, <Time value={r.override.updatedAt} />
      </div>
      <div className="mt-0.5 wrap-anywhere text-zinc-800 dark:text-zinc-200">“{r.override.reason}”</div>
    </>
  ) : null;
  const actions = (
    <div className="flex flex-wrap gap-2 sm:flex-nowrap sm:justify-end">
      <Button onClick={() => setOpen("edit")}>
        Change
        <span className="sr-only">
          {" "}
          {label} for {where}
        </span>
      </Button>
      {r.source === "override" && (
        <Button onClick={() => setOpen("reset")}>
          Reset to default
          <span className="sr-only">
            {" "}
            {label} for {where}
          </span>
        </Button>
      )}
    </div>
  );
  return (
    <tr data-rule={r.rule} className={r.source === "override" ? "bg-status-blocked/5" : undefined}>
      <td className="px-3 py-2.5 sm:px-4">
        <div className="font-medium">{label}</div>
        <div className="text-xs text-zinc-600 dark:text-zinc-400">{RULE_MEANINGS[r.rule]}</div>
        <div className="mt-1 space-y-1 text-xs text-zinc-600 sm:hidden dark:text-zinc-400">
          <div>Default {defaultText}</div>
          {changed}
        </div>
        {admin && <div className="mt-2 sm:hidden">{actions}</div>}
        {open === "edit" && (
          <RuleEditDialog
            workflowType={type.workflowType}
            where={where}
            label={label}
            rule={r}
            windowLimits={windowLimits}
            onDone={onSuccess}
            onClose={() => setOpen(null)}
          />
        )}
        {open === "reset" && (
          <ReasonDialog
            title={`Reset ${label} for ${where}`}
            confirmLabel="Reset to default"
            explain={`Back to the definition's ${thresholdText(r.unit, r.defaultThreshold)}${window(r.defaultWindowMs)}. The evaluator uses it from its next tick.`}
            mutation={reset}
            onConfirm={(reason) => reset.mutate({ rule: r.rule, workflowType: type.workflowType, reason })}
            onClose={() => setOpen(null)}
          />
        )}
      </td>
      <td className="hidden whitespace-nowrap px-4 py-2.5 tabular-nums sm:table-cell">{defaultText}</td>
      <td className="px-3 py-2.5 sm:px-4">
        <div className="font-medium tabular-nums sm:whitespace-nowrap">
          {thresholdText(r.unit, r.threshold)}
          {r.threshold !== null && <span className="font-normal text-zinc-500">{window(r.windowMs)}</span>}
        </div>
        <SourceBadge source={r.source} />
      </td>
      <td className="hidden px-4 py-2.5 text-xs text-zinc-600 sm:table-cell dark:text-zinc-400">
        {changed ?? "—"}
      </td>
      {admin && <td className="hidden px-4 py-2.5 sm:table-cell">{actions}</td>}
    </tr>
  );
}

function SourceBadge({ source }: { source: "default" | "override" }) {
  return source === "override" ? (
    <span className="mt-1 inline-flex rounded-full bg-status-blocked/20 px-2 py-0.5 text-xs font-medium text-status-blocked-ink ring-1 ring-inset ring-status-blocked/50">
      override
    </span>
  ) : (
    <span className="mt-1 inline-flex rounded-full px-2 py-0.5 text-xs text-zinc-600 ring-1 ring-inset ring-zinc-300 dark:text-zinc-400 dark:ring-zinc-700">
      default
    </span>
  );
}
