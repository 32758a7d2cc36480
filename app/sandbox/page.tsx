import type { Metadata } from "next";
import { SANDBOX_CONTROLS } from "@/server/workflows/kit/controls";
import { SandboxControls } from "./sandbox-controls";
import { SandboxFaults } from "./sandbox-faults";
import { ScheduledSteps } from "./sandbox-timers";
import { CarrierCallback, WaitingAcknowledgments } from "./sandbox-waits";

export const metadata: Metadata = { title: "Sandbox" };

export default function SandboxPage() {
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-xl font-semibold">Sandbox</h1>
        <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
          The simulated outside world the sample workflows call — for demos and drills, never in production.
          Change it as the runbooks say, or make a provider fail to watch retries, blocks and compensation
          happen.
        </p>
      </div>
      <section className="space-y-3" aria-labelledby="sandbox-world">
        <h2 id="sandbox-world" className="text-base font-semibold">
          The shop and the warehouse
        </h2>
        <SandboxControls />
      </section>
      <section className="space-y-3" aria-labelledby="sandbox-waits">
        <h2 id="sandbox-waits" className="text-base font-semibold">
          Callbacks, acknowledgments and timers
        </h2>
        <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
          Steps that hand work to another system wait for its acknowledgment. Choose how the carrier answers,
          or answer any waiting operation yourself as the other system would. Steps scheduled for later wait
          for their time; run one now rather than sit out its window.
        </p>
        <CarrierCallback />
        <WaitingAcknowledgments />
        <ScheduledSteps />
      </section>
      <section className="space-y-3" aria-labelledby="sandbox-faults">
        <h2 id="sandbox-faults" className="text-base font-semibold">
          {SANDBOX_CONTROLS.faults}
        </h2>
        <SandboxFaults />
      </section>
    </div>
  );
}
