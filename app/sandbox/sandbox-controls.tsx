"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { SANDBOX_CONTROLS } from "@/server/workflows/kit/controls";
import { Button, errorText, Field, inputClass } from "../_components/forms";
import { ErrorNote, Panel } from "../_components/ui";
import { useTRPC } from "../_lib/trpc";

const asked = (n: number) =>
  n === 0
    ? "No blocked operation was waiting on it."
    : `${n} blocked operation${n === 1 ? " was" : "s were"} asked to check again now.`;

/**
 * The sandbox's controls over the simulated world, labelled as the runbooks name them
 * (SANDBOX_CONTROLS, which `npm run workflows:check` holds every runbook to).
 */
export function SandboxControls() {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <RestockForm />
      <CancelShopOrderForm />
    </div>
  );
}

function RestockForm() {
  const trpc = useTRPC();
  const [sku, setSku] = useState("");
  const [quantity, setQuantity] = useState("10");
  const [done, setDone] = useState<string | null>(null);
  const restock = useMutation(
    trpc.sandbox.restock.mutationOptions({
      onSuccess: (r, input) =>
        setDone(`Put ${input.quantity} × ${input.sku} on the shelf. ${asked(r.rechecks)}`),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    restock.mutate({ sku: sku.trim(), quantity: Number(quantity) });
  };
  return (
    <Panel title={SANDBOX_CONTROLS.restock}>
      <form onSubmit={submit} className="space-y-3 p-4" aria-label={SANDBOX_CONTROLS.restock}>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The warehouse receives stock. A new SKU joins the catalogue. Orders blocked on it check again at
          once.
        </p>
        <div className="grid grid-cols-[1fr_7rem] gap-3">
          <Field id="restock-sku" label="SKU">
            <input
              id="restock-sku"
              className={inputClass}
              value={sku}
              maxLength={64}
              required
              placeholder="BOOK-42"
              onChange={(e) => setSku(e.target.value)}
            />
          </Field>
          <Field id="restock-quantity" label="Quantity">
            <input
              id="restock-quantity"
              type="number"
              min={1}
              max={1000}
              required
              className={`${inputClass} tabular-nums`}
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
            />
          </Field>
        </div>
        <Button type="submit" variant="primary" disabled={restock.isPending}>
          {restock.isPending ? "Restocking…" : SANDBOX_CONTROLS.restock}
        </Button>
        <FormOutcome done={done} error={restock.isError ? errorText(restock.error) : null} />
      </form>
    </Panel>
  );
}

function CancelShopOrderForm() {
  const trpc = useTRPC();
  const [orderId, setOrderId] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const cancel = useMutation(
    trpc.sandbox.cancelShopOrder.mutationOptions({
      onSuccess: (r, input) => setDone(`The shop cancelled ${input.orderId}. ${asked(r.rechecks)}`),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    cancel.mutate({ orderId: orderId.trim() });
  };
  return (
    <Panel title={SANDBOX_CONTROLS.cancelShopOrder}>
      <form onSubmit={submit} className="space-y-3 p-4" aria-label={SANDBOX_CONTROLS.cancelShopOrder}>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The customer changed their mind in the shop. An order in flight notices at its next check and fails,
          undoing what was done.
        </p>
        <Field id="cancel-order-id" label="Order id">
          <input
            id="cancel-order-id"
            className={inputClass}
            value={orderId}
            maxLength={64}
            required
            placeholder="ord_1001"
            onChange={(e) => setOrderId(e.target.value)}
          />
        </Field>
        <Button type="submit" className="text-status-failed-ink" disabled={cancel.isPending}>
          {cancel.isPending ? "Cancelling…" : SANDBOX_CONTROLS.cancelShopOrder}
        </Button>
        <FormOutcome done={done} error={cancel.isError ? errorText(cancel.error) : null} />
      </form>
    </Panel>
  );
}

/** What a control did (a status line), or why it could not. */
function FormOutcome({ done, error }: { done: string | null; error: string | null }) {
  return (
    <>
      {done && (
        <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
          {done}
        </p>
      )}
      {error && <ErrorNote>{error}</ErrorNote>}
    </>
  );
}
