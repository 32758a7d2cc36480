"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { BLOCK_KINDS } from "@/server/domain/statuses";
import { OperationLink } from "../_components/links";
import { QueryBody } from "../_components/query-body";
import { Age, Time } from "../_components/time";
import { BLOCK_KIND_LABELS, Breadcrumb, Empty, ErrorNote, Fact, Panel, PlainTable } from "../_components/ui";
import { bulkResumeHref } from "../_lib/inbox-links";
import { useTRPC } from "../_lib/trpc";

const COLUMNS = ["Operation and its reason", "Blocked for"] as const;

/**
 * Exactly one inbox group's operations (a cause within a type), or every blocked one of a
 * kind: what the inbox's counts open, and where "Resume these" starts a bulk action from.
 */
export function BlockedCauseList() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const type = params.get("type") ?? "";
  const cause = params.get("cause");
  const rawKind = params.get("kind");
  const kind = BLOCK_KINDS.find((k) => k === rawKind) ?? null;
  const cursor = params.get("cursor");
  const [causeKind, step] = cause?.split("~") ?? [kind, null];
  const query = useQuery({
    ...trpc.inbox.cause.queryOptions({ type, cause, kind, cursor }),
    enabled: Boolean(type && (cause || kind)),
  });
  if (!type || !(cause || kind)) return <ErrorNote>Open this list from the operator inbox.</ErrorNote>;
  const label = BLOCK_KIND_LABELS[causeKind ?? ""] ?? causeKind ?? "Blocked";
  const what = `${label}${step ? ` at ${step}` : ""}`;
  return (
    <div className="space-y-5">
      <div className="space-y-1">
        <Breadcrumb href="/#inbox-heading" label="Operator inbox" current={type} />
        <h1 className="text-xl font-semibold break-words">
          {query.data ? `${query.data.count.toLocaleString("en")} blocked: ` : "Blocked: "}
          {what}
        </h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {cause
            ? "Every operation of this type blocked by this one cause: same kind, same step, same error."
            : "Every operation of this type blocked this way, whatever the step or error."}
        </p>
      </div>
      {query.isError ? (
        <QueryBody query={query}>{() => null}</QueryBody>
      ) : (
        query.data && (
          <Panel id="cause-summary" title="The cause">
            <div className="space-y-3 p-4">
              {query.data.reason && (
                <p className="text-sm break-words" data-testid="cause-reason">
                  <span className="text-zinc-500 dark:text-zinc-400">Newest: </span>
                  {query.data.reason}
                </p>
              )}
              <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                <Fact label="Operations">{query.data.count.toLocaleString("en")}</Fact>
                <Fact label="First seen">
                  <Time value={query.data.firstSeen} />
                </Fact>
                <Fact label="Last seen">
                  <Time value={query.data.lastSeen} />
                </Fact>
                <Fact label="Type">
                  <span className="font-mono">{type}</span>
                </Fact>
              </dl>
              {query.data.actionRequired && (
                <p className="text-sm">
                  <span className="font-medium">Action:</span> {query.data.actionRequired}
                </p>
              )}
              {query.data.count > 0 && (
                <Link
                  href={bulkResumeHref(cause && step ? { type, cause, step } : { type, kind: kind ?? "" })}
                  className="inline-flex rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900"
                >
                  Resume these {query.data.count.toLocaleString("en")}
                </Link>
              )}
            </div>
          </Panel>
        )
      )}
      <Panel id="cause-operations" title="Operations, newest blocked first">
        <QueryBody query={query}>
          {(data) =>
            data.rows.length === 0 ? (
              <Empty>Nothing is blocked by this cause any more.</Empty>
            ) : (
              <>
                <PlainTable columns={COLUMNS} alignTop>
                  {data.rows.map((r) => (
                    <tr key={r.id}>
                      <td className="max-w-0 px-4 py-2">
                        <OperationLink id={r.id} reference={r.reference} />
                        {r.subject && (
                          <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">{r.subject}</span>
                        )}
                        <p className="line-clamp-2 break-words text-zinc-700 dark:text-zinc-300">
                          {r.reason}
                        </p>
                      </td>
                      <td className="w-28 px-4 py-2 whitespace-nowrap">
                        <Age since={r.since} />
                      </td>
                    </tr>
                  ))}
                </PlainTable>
                {data.next && (
                  <Link
                    href={`/inbox?${new URLSearchParams({ ...Object.fromEntries(params), cursor: data.next })}`}
                    className="block border-t border-zinc-100 px-4 py-2 text-xs hover:underline dark:border-zinc-800"
                  >
                    Next page →
                  </Link>
                )}
              </>
            )
          }
        </QueryBody>
      </Panel>
    </div>
  );
}
