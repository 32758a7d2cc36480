import { describe, expect, it } from "vitest";
import { eventually } from "@/test/eventually";
import { startCompanionLoop } from "./companion-loop";

describe("startCompanionLoop", () => {
  it("ticks again after a failure, never overlaps itself, and stop() waits for the tick in flight", async () => {
    const errors: unknown[] = [];
    let ticks = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    let release: (() => void) | undefined;
    const loop = startCompanionLoop({
      tick: async () => {
        ticks++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          if (ticks === 2) throw new Error("boom");
          if (ticks === 4) await new Promise<void>((resolve) => (release = resolve));
          return 0;
        } finally {
          inFlight--;
        }
      },
      retryMs: () => 0,
      onError: (error) => errors.push(error),
    });
    await eventually(() => expect(release).toBeDefined());
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    // The fourth tick is still running: stop has not returned, and no fifth tick started.
    await Promise.resolve();
    expect(stopped).toBe(false);
    release!();
    await stopping;
    expect(ticks).toBe(4);
    expect(maxInFlight).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
