import type { Metadata } from "next";
import { SandboxFaults } from "./sandbox-faults";

export const metadata: Metadata = { title: "Sandbox" };

export default function SandboxPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Sandbox: fault injection</h1>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        The sample providers behave perfectly until told otherwise. Slow one down or make it fail to watch
        retries, blocks and compensation happen — for demos and drills, never in production.
      </p>
      <SandboxFaults />
    </div>
  );
}
