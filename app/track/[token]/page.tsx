import type { Metadata } from "next";
import { notFound } from "next/navigation";
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
  // Answers 404 with not-found.tsx beside this page (the same words for every refusal).
  if (initial.type !== "ok") notFound();
  return <TrackLive token={decodeURIComponent(token)} initial={initial} />;
}
