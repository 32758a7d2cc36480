import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeNext } from "@/server/auth/safe-next";
import { currentStaff } from "../_lib/server-caller";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNext((await searchParams).next);
  if (await currentStaff()) redirect(next);
  return (
    <div className="mx-auto mt-16 max-w-sm space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">Sign in to Throughline</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The console is for staff. Customers follow their request through the link they were sent.
        </p>
      </div>
      <SignInForm next={next} />
    </div>
  );
}
