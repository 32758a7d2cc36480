"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../../_components/forms";
import { QueryBody } from "../../_components/query-body";
import { ReasonDialog } from "../../_components/reason-dialog";
import { Time } from "../../_components/time";
import { Empty, Panel, PhoneLabel, PlainTable } from "../../_components/ui";
import { useTRPC } from "../../_lib/trpc";

/** One endpoint's latest deliveries, each with every try's answer; a delivered or dead one can be sent again. */
export function DeliveryLog({ endpointId, url }: { endpointId: string; url: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deliveries = useQuery(
    trpc.webhooks.deliveries.queryOptions({ endpointId, limit: 50 }, { refetchInterval: 5_000 }),
  );
  const [again, setAgain] = useState<{ id: number; type: string } | null>(null);
  const redeliver = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: () => {
        setAgain(null);
        void queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey() });
      },
    }),
  );

  return (
    <Panel id="delivery-log" title={<span className="break-all">Delivery log — {url}</span>}>
      <QueryBody query={deliveries}>
        {(data) =>
          data.deliveries.length === 0 ? (
            <Empty>Nothing sent to this endpoint yet.</Empty>
          ) : (
            <PlainTable columns={["Event", "Status", "Tries", ""]} stackOnPhone>
              {data.deliveries.map((d) => (
                <tr key={d.id} className="align-top">
                  <td className="px-4 py-2 text-xs">
                    <div className="font-mono">{d.type}</div>
                    <div className="font-mono text-zinc-500">{d.messageId}</div>
                    {d.operationId ? (
                      <a className="hover:underline" href={`/operations/${d.operationId}`}>
                        the operation
                      </a>
                    ) : null}
                    <div className="text-zinc-500">
                      written <Time value={d.createdAt} />
                    </div>
                  </td>
                  <td className="px-4 py-2 text-xs">
                    <PhoneLabel>Status</PhoneLabel>
                    {d.status === "delivered" ? (
                      <span>
                        delivered <Time value={d.deliveredAt} />
                      </span>
                    ) : d.status === "dead" ? (
                      <span className="text-status-failed-ink">dead after {d.attempts} tries</span>
                    ) : (
                      <span>
                        pending ·{" "}
                        {d.nextAttemptAt ? (
                          <>
                            next try <Time value={d.nextAttemptAt} />
                          </>
                        ) : (
                          "waits for the endpoint to be re-enabled"
                        )}
                      </span>
                    )}
                  </td>
                  <td className="px-4 py-2 text-xs">
                    <PhoneLabel>Tries</PhoneLabel>
                    <ol className="space-y-1">
                      {d.log.map((a) => (
                        <li key={a.attempt}>
                          #{a.attempt} <Time value={a.at} /> · {a.statusCode ?? "no answer"} · {a.latencyMs}{" "}
                          ms
                          {a.error || a.responseExcerpt ? (
                            <div
                              className="max-w-md truncate font-mono text-zinc-500"
                              title={a.error ?? a.responseExcerpt ?? ""}
                            >
                              {a.error ?? a.responseExcerpt}
                            </div>
                          ) : null}
                        </li>
                      ))}
                    </ol>
                  </td>
                  <td className="px-4 py-2 text-right">
                    {d.status !== "pending" && <Button onClick={() => setAgain(d)}>Redeliver</Button>}
                  </td>
                </tr>
              ))}
            </PlainTable>
          )
        }
      </QueryBody>
      {again && (
        <ReasonDialog
          title={`Redeliver ${again.type}`}
          explain="The same event is sent again under the same webhook-id, behind this operation's later events."
          confirmLabel="Redeliver"
          mutation={redeliver}
          onConfirm={(reason) => redeliver.mutate({ deliveryId: again.id, reason })}
          onClose={() => setAgain(null)}
        />
      )}
    </Panel>
  );
}
