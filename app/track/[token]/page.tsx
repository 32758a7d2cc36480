import type { Metadata } from "next";
import { serverCaller } from "../../_lib/server-caller";
import { TrackLive } from "./track-live";

export const metadata: Metadata = { title: "Your progress", robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

/**
 * The end user's page, reached from the operation's `track` link. The token is the only
 * key; a forged, altered or expired one gets the same plain answer.
 */
export default async function TrackPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const initial = await serverCaller()
    .track.get({ token: decodeURIComponent(token) })
    .catch(() => ({ type: "invalid" as const }));
  if (initial.type !== "ok") {
    return (
      <div className="mx-auto max-w-md py-10 text-center">
        <h1 className="text-2xl font-semibold">This link is not valid</h1>
        <p className="mt-3 text-zinc-600 dark:text-zinc-300">
          {initial.type === "expired"
            ? "The link has expired. Links to follow a request work for 30 days."
            : "The link may be incomplete or changed. Please use the latest link you received."}
        </p>
        <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">
          If you still need help, contact us and we will look it up for you.
        </p>
      </div>
    );
  }
  return <TrackLive token={decodeURIComponent(token)} initial={initial} />;
}
