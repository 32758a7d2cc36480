/**
 * The worker process. The launcher (`npm start`, `npm run worker`) starts it with
 * DATABASE_URL and THROUGHLINE_ROLE=worker; SIGTERM or SIGINT stop it cleanly (exit 0).
 */

import { databaseFromEnv } from "@/db/client";
import { carrierBackstop } from "@/scripts/lib/carrier-backstop";
import { answerHelp } from "@/scripts/lib/usage";
import { alertsWork } from "@/server/alerts/work";
import { auditWork } from "@/server/audit/work";
import { bulkWork } from "@/server/bulk/work";
import { startWorker } from "@/server/engine/worker";
import { createProviders } from "@/server/providers";
import { httpCallbacks, inProcessCallbacks } from "@/server/providers/carrier-callback";
import { createServices } from "@/server/services";
import { syntheticSettings } from "@/server/synthetic/config";
import { syntheticWork } from "@/server/synthetic/work";
import { startTracing } from "@/server/telemetry/tracing-setup";
import { waitsWork } from "@/server/waits/work";
import { webhookWork } from "@/server/webhooks/work";

answerHelp(`usage: npm run worker   (or, as the launcher does: node --import tsx scripts/worker.ts)
  The worker process: runs steps, bulk actions and the background loops. DATABASE_URL;
  outbound webhooks leave from here (THROUGHLINE_ALLOW_PRIVATE_URLS=1 for private receivers);
  the web it sends synthetic checks to: THROUGHLINE_SYNTHETIC_URL, else THROUGHLINE_PUBLIC_URL,
  else http://localhost:$PORT (THROUGHLINE_SYNTHETIC_CHECKS=off: none); the simulated carrier's pickup
  callbacks go to the same web (THROUGHLINE_CARRIER_CALLBACKS=in_process: straight to the
  database instead). SIGTERM or SIGINT stop it cleanly.`);

const log = (line: string) => console.log(`[worker] ${line}`);

async function main(): Promise<void> {
  // Spans of step attempts and their outbound calls, when OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const tracing = startTracing({ defaultServiceName: "throughline-worker" });
  const { db, url } = databaseFromEnv();
  // The carrier confirms pickups through the real callback URL, on the web as this process reaches
  // it; THROUGHLINE_CARRIER_CALLBACKS=in_process hands them to the WaitService instead (createServices'
  // default), for a fleet whose webs come and go on ports no worker knows (npm run chaos).
  const path = process.env.THROUGHLINE_CARRIER_CALLBACKS ?? "http";
  if (path !== "http" && path !== "in_process")
    throw new Error(`THROUGHLINE_CARRIER_CALLBACKS must be "http" or "in_process", not "${path}".`);
  const http = path === "http" ? httpCallbacks(syntheticSettings().baseUrl) : undefined;
  const services = createServices({
    db,
    url,
    ...(http ? { providers: createProviders({ db, callbacks: http }) } : {}),
  });
  const callbacks = http ?? inProcessCallbacks(services.waits);
  const { registry, runs, providers } = services;
  const worker = await startWorker({
    db,
    url,
    registry,
    runs,
    providers,
    log,
    companions: [
      bulkWork,
      alertsWork,
      auditWork,
      waitsWork,
      syntheticWork,
      webhookWork,
      carrierBackstop(db, callbacks),
    ],
  });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, stopping`);
    let code = 0;
    try {
      await worker.stop();
      await services.close();
    } catch (error) {
      log(`could not record the stop: ${(error as Error).message}`);
      code = 1;
    }
    await db.$client.end({ timeout: 5 });
    await tracing
      .shutdown()
      .catch((error: unknown) => log(`could not export the last spans: ${(error as Error).message}`));
    process.exit(code);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  log(`failed to start: ${(error as Error).message}`);
  process.exit(1);
});
