import type { Metadata } from "next";
import { Suspense } from "react";
import { BulkForm } from "./bulk-form";

export const metadata: Metadata = { title: "Bulk action" };

/** `/bulk?type=order.fulfill&status=blocked&step=charge_payment` starts from a search. */
export default function BulkPage() {
  return (
    <Suspense>
      <BulkForm />
    </Suspense>
  );
}
