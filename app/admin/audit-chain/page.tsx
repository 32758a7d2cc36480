import type { Metadata } from "next";
import { AuditChainCheck } from "./audit-chain-check";

export const metadata: Metadata = { title: "Audit chain" };

export default function AuditChainPage() {
  return <AuditChainCheck />;
}
