import type { Metadata } from "next";
import { BulkProgress } from "./bulk-progress";

export const metadata: Metadata = { title: "Bulk action" };

export default async function BulkActionPage({ params }: { params: Promise<{ id: string }> }) {
  return <BulkProgress id={(await params).id} />;
}
