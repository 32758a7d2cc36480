import type { Metadata } from "next";

export const metadata: Metadata = { title: "Link not valid", robots: { index: false, follow: false } };

/**
 * A forged, altered, expired or unknown link (the page calls `notFound()`, so it answers 404).
 * One plain answer for all of them: the page does not tell a guesser which part was wrong.
 */
export default function TrackLinkNotValid() {
  return (
    <div className="mx-auto max-w-md py-10 text-center">
      <h1 className="text-2xl font-semibold">This link is not valid</h1>
      <p className="mt-3 text-zinc-600 dark:text-zinc-300">
        It may have expired — links to follow a request work for 30 days — or be incomplete or changed. Please
        use the latest link you received.
      </p>
      <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">
        If you still need help, contact us and we will look it up for you.
      </p>
    </div>
  );
}
