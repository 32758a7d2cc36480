import { sql as dsql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { PROVIDERS, type ProviderName, simFaults } from "@/db/schema";
import {
  type CallbackSettings,
  DEFAULT_CALLBACK_DELAY_MS,
  readCallbackSettings,
  writeCallbackSettings,
} from "./carrier-callback";

/** One sample provider's fault injection, as the sandbox page edits it. */
export interface FaultSettings {
  provider: ProviderName;
  latencyMs: number;
  transientErrorRate: number;
  permanentErrorRate: number;
  loseAnswerRate: number;
  updatedAt: Date | null;
}

const NONE = { latencyMs: 0, transientErrorRate: 0, permanentErrorRate: 0, loseAnswerRate: 0 };

/**
 * Reads and writes the simulated providers' fault settings (`sim_faults`), which the
 * providers read on every call. A provider without a row behaves perfectly.
 */
export class FaultSettingsService {
  constructor(private readonly db: Db) {}

  async list(): Promise<FaultSettings[]> {
    const rows = await this.db
      .select({
        provider: simFaults.provider,
        latencyMs: simFaults.latencyMs,
        transientErrorRate: simFaults.transientErrorRate,
        permanentErrorRate: simFaults.permanentErrorRate,
        loseAnswerRate: simFaults.loseAnswerRate,
        updatedAt: simFaults.updatedAt,
      })
      .from(simFaults);
    return PROVIDERS.map((provider) => {
      const row = rows.find((r) => r.provider === provider);
      return row ?? { provider, ...NONE, updatedAt: null };
    });
  }

  async set(settings: Omit<FaultSettings, "updatedAt">): Promise<FaultSettings> {
    const { provider, ...values } = settings;
    const [row] = await this.db
      .insert(simFaults)
      .values({ provider, ...values })
      .onConflictDoUpdate({ target: simFaults.provider, set: { ...values, updatedAt: dsql`now()` } })
      .returning();
    return row!;
  }

  /** Every provider back to perfect behaviour; the carrier confirms pickups again after the default delay. */
  async reset(): Promise<void> {
    await this.db.update(simFaults).set({ ...NONE, updatedAt: dsql`now()` });
    await writeCallbackSettings(this.db, { mode: "confirm", delayMs: DEFAULT_CALLBACK_DELAY_MS });
  }

  /** How the carrier answers a pickup's callback (./carrier-callback.ts). */
  callback(): Promise<CallbackSettings> {
    return readCallbackSettings(this.db);
  }

  setCallback(settings: Pick<CallbackSettings, "mode" | "delayMs">): Promise<CallbackSettings> {
    return writeCallbackSettings(this.db, settings);
  }
}
