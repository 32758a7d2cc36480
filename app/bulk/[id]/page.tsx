import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { serverCaller } from "../../_lib/server-caller";
import { BulkProgress } from "./bulk-progress";

export const metadata: Metadata = { title: "Bulk action" };
export const dynamic = "force-dynamic";

/**
 * Read on the server first: an unknown id answers 404 at once (not-found.tsx beside this
 * page) instead of a page that says "Loading…" for seconds before "No such bulk action";
 * a known one paints with its data and is then kept fresh in the browser.
 */
export default async function BulkActionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const initial = await serverCaller()
    .actions.bulk.get({ bulkActionId: id })
    .catch((error: unknown) => {
      if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST"))
        return null;
      throw error;
    });
  if (!initial) notFound();
  return <BulkProgress id={id} initial={initial} />;
}
