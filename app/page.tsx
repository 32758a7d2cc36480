import type { Metadata } from "next";
import { serverCaller } from "./_lib/server-caller";
import { DashboardLive } from "./dashboard-live";

export const metadata: Metadata = { title: "Operations overview" };
export const dynamic = "force-dynamic";

/** Rendered on the server with the first read, then kept live in the browser. */
export default async function OverviewPage() {
  const initial = await serverCaller().dashboard.get();
  return <DashboardLive initial={initial} />;
}
