import { serverCaller } from "./_lib/server-caller";
import { OverviewLive } from "./overview-live";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const initial = await serverCaller().system.overview();
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Operations overview</h1>
      <OverviewLive initial={initial} />
    </div>
  );
}
