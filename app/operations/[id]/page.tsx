import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
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
  // Answers 404 with not-found.tsx beside this page (the id and a search link).
  if (!initial) notFound();
  return <OperationDetail initial={initial} />;
}
