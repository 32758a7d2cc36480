import type { Metadata } from "next";
import { OperationDetail } from "./operation-detail";

export const metadata: Metadata = { title: "Operation" };

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <OperationDetail id={id} />;
}
