import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Fields every log line carries while some work runs: around each step attempt the engine's
 * runner sets operation_id, type, version, step, attempt and trace_id; around each API request
 * the route wrapper sets request_id (the id the audit records of that request carry). The
 * logger (server/logger.ts) adds them to each line through pino's mixin, so nobody passes them
 * by hand and a line written deep inside a provider call still says which operation it is for.
 */
export interface LogFields {
  operation_id?: string;
  type?: string;
  version?: number;
  step?: string;
  attempt?: number;
  trace_id?: string;
  request_id?: string;
}

const storage = new AsyncLocalStorage<LogFields>();

export const logContext = {
  /** Runs `fn` with `fields` added to (and overriding) the fields already in effect. */
  run<T>(fields: LogFields, fn: () => T): T {
    const outer = storage.getStore();
    return storage.run(outer ? { ...outer, ...fields } : fields, fn);
  },
  /** The fields in effect here, or an empty object outside any context. */
  current(): LogFields {
    return storage.getStore() ?? {};
  },
};
