import type { Metadata } from "next";
import Link from "next/link";
import { serverCaller } from "../_lib/server-caller";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "First-run setup" };
export const dynamic = "force-dynamic";

/** The one-time link `npm start` prints when no admin exists: choose the first admin's sign-in. */
export default async function SetupPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = (await searchParams).token;
  const token = Array.isArray(raw) ? raw[0] : raw;
  const valid = token ? (await serverCaller().auth.setupStatus({ token })).valid : false;
  return (
    <div className="mx-auto mt-16 max-w-sm space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">Set up Throughline</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Create the first admin. Admins add everyone else and manage roles and API keys.
        </p>
      </div>
      {token && valid ? (
        <SetupForm token={token} />
      ) : (
        <div
          role="alert"
          className="space-y-2 rounded-lg border border-zinc-200 bg-white p-5 text-sm dark:border-zinc-800 dark:bg-zinc-900"
        >
          <p className="font-medium">This setup link cannot be used.</p>
          <p className="text-zinc-600 dark:text-zinc-400">
            It was already used, it expired, or an admin exists. Restarting Throughline prints a new link
            while no admin exists; otherwise{" "}
            <Link href="/sign-in" className="underline">
              sign in
            </Link>
            .
          </p>
        </div>
      )}
    </div>
  );
}
