import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditLog } from "./audit-log";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <Suspense>
      <AuditLog />
    </Suspense>
  );
}
