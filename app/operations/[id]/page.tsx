import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { serverCaller } from "../../_lib/server-caller";
import { OperationDetail } from "./operation-detail";

export const metadata: Metadata = { title: "Operation" };
export const dynamic = "force-dynamic";

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const initial = await serverCaller()
    .search.operation({ id })
    .catch((error: unknown) => {
      if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST"))
        return null;
      throw error;
    });
  if (!initial) {
    return (
      <div
        role="alert"
        className="mx-auto max-w-lg rounded-lg border border-dashed border-zinc-300 p-8 text-center dark:border-zinc-700"
      >
        <h1 className="text-lg font-semibold">Operation not found</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          There is no operation <code className="font-mono">{id}</code>.
        </p>
        <Link
          href={`/operations?q=${encodeURIComponent(id)}`}
          className="mt-3 inline-block text-sm underline"
        >
          Search for it
        </Link>
      </div>
    );
  }
  return <OperationDetail initial={initial} />;
}
