"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { inputClass } from "../../_components/forms";
import { ReasonDialog } from "../../_components/reason-dialog";
import { useTRPC } from "../../_lib/trpc";
import type { RuleSetting } from "./rule-words";
import { bestDurationUnit, DURATION_UNITS, thresholdText } from "./rule-words";

/**
 * One rule's new threshold for one type, or off, with the reason the audit keeps. A duration
 * is typed in seconds, minutes or hours and sent in milliseconds; the server checks the
 * bounds (shown here) and its refusal is shown in the dialog.
 */
export function RuleEditDialog({
  workflowType,
  where,
  label,
  rule: r,
  windowLimits,
  onDone,
  onClose,
}: {
  workflowType: string;
  where: string;
  label: string;
  rule: RuleSetting;
  windowLimits: { min: number; max: number };
  onDone: () => Promise<void>;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const set = useMutation(trpc.alerts.setRuleOverride.mutationOptions({ onSuccess: onDone }));
  const start = r.threshold ?? r.defaultThreshold;
  const [off, setOff] = useState(r.threshold === null);
  const [unit, setUnit] = useState(r.unit === "ms" ? bestDurationUnit(start) : 1);
  const [amount, setAmount] = useState(String(r.unit === "ms" ? start / bestDurationUnit(start) : start));
  const [windowMinutes, setWindowMinutes] = useState(String(r.windowMs / 60_000));
  const bounds = `${thresholdText(r.unit, r.limits.min)} to ${thresholdText(r.unit, r.limits.max)}`;
  return (
    <ReasonDialog
      title={`Change ${label} for ${where}`}
      confirmLabel="Save override"
      explain={`The definition's default is ${thresholdText(r.unit, r.defaultThreshold)}. The evaluator uses the new figure from its next tick.`}
      mutation={set}
      onConfirm={(reason) =>
        set.mutate({
          rule: r.rule,
          workflowType,
          threshold: off ? null : Math.round(Number(amount) * unit),
          windowMs: r.windowed && !off ? Math.round(Number(windowMinutes) * 60_000) : undefined,
          reason,
        })
      }
      onClose={onClose}
    >
      <div className="space-y-1">
        <label htmlFor="rule-threshold" className="block text-sm font-medium">
          Threshold
        </label>
        <div className="flex gap-2">
          <input
            id="rule-threshold"
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            required={!off}
            disabled={off}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-describedby="rule-threshold-hint"
            className={inputClass}
          />
          {r.unit === "ms" ? (
            <select
              aria-label="Unit"
              value={unit}
              disabled={off}
              onChange={(e) => setUnit(Number(e.target.value))}
              className={`${inputClass} w-auto`}
            >
              {DURATION_UNITS.map((u) => (
                <option key={u.value} value={u.value}>
                  {u.label}
                </option>
              ))}
            </select>
          ) : (
            <span className="self-center text-sm text-zinc-600 dark:text-zinc-400">
              {r.unit === "percent" ? "%" : "count"}
            </span>
          )}
        </div>
        <p id="rule-threshold-hint" className="text-xs text-zinc-500 dark:text-zinc-400">
          From {bounds}.
        </p>
      </div>
      {r.windowed && (
        <div className="space-y-1">
          <label htmlFor="rule-window" className="block text-sm font-medium">
            Window (minutes)
          </label>
          <input
            id="rule-window"
            type="number"
            inputMode="numeric"
            min={windowLimits.min / 60_000}
            max={windowLimits.max / 60_000}
            step={1}
            disabled={off}
            value={windowMinutes}
            onChange={(e) => setWindowMinutes(e.target.value)}
            className={inputClass}
          />
        </div>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={off} onChange={(e) => setOff(e.target.checked)} />
        Off: this rule never fires for {where}
      </label>
    </ReasonDialog>
  );
}
