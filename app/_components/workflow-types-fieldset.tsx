"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../_lib/trpc";

/**
 * The "Workflow types" checkboxes of an admin form (an API key's, a webhook endpoint's): each
 * registered type as `workflowTypes` in the form's data; none ticked means every type.
 */
export function WorkflowTypesFieldset() {
  const trpc = useTRPC();
  const workflows = useQuery(trpc.workflows.list.queryOptions());
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium">Workflow types</legend>
      <p className="text-xs text-zinc-500">None ticked: every type.</p>
      {workflows.data?.workflows.map((w) => (
        <label key={w.type} className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="workflowTypes" value={w.type} />
          <span className="font-mono text-xs">{w.type}</span>
        </label>
      ))}
    </fieldset>
  );
}
