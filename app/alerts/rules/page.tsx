import type { Metadata } from "next";
import { AlertRulesView } from "./alert-rules";

export const metadata: Metadata = { title: "Alert rules" };

/** `/alerts/rules`: every alert rule per workflow type; admins override or reset a threshold. */
export default function AlertRulesPage() {
  return <AlertRulesView />;
}
