/**
 * The client side of the run: a closed loop of requests over the public HTTP API, each
 * with a client timeout, every answer recorded. A start request keeps its Idempotency-Key
 * across retries (after a 503, a 429, a timeout or a dropped connection), so the operation
 * it created is acknowledged once the API answers again.
 */
import { sleep } from "@/db/embedded-processes";
import { CHAOS_API_KEY, type Fleet } from "./fleet";
import { type Intent, nextIntent } from "./mix";

export type Endpoint = "POST /api/v1/operations" | "GET /api/v1/operations/{id}";

export interface Answer {
  endpoint: Endpoint;
  /** The HTTP status, or what happened instead. */
  status: number | "timeout" | "network";
  sentAt: number;
  doneAt: number;
  retryAfter: boolean;
  /** The problem document's type, for a 4xx/5xx. */
  problem?: string;
}

export interface Ack {
  intent: Intent;
  id: string;
  type: string;
  version: number;
  httpStatus: number;
  /** How many attempts it took. */
  attempts: number;
}

export interface LoadResult {
  answers: Answer[];
  acks: Ack[];
  /** Requests never acknowledged (still refused when the retries ran out). */
  unacknowledged: Intent[];
}

/** After the load stops, a request still being retried gets this long to be answered. */
const DRAIN_MS = 30_000;
const GET_SHARE = 0.2;

export class Load {
  readonly answers: Answer[] = [];
  readonly acks: Ack[] = [];
  readonly unacknowledged: Intent[] = [];
  private started = 0;
  private stopAt = Number.POSITIVE_INFINITY;
  private nextSlot = 0;

  constructor(
    private readonly options: {
      fleet: Fleet;
      concurrency: number;
      /** New requests per second across all loops (a retry is not a new request). */
      ratePerSecond: number;
      clientTimeoutMs: number;
      random: () => number;
      /** Asked before each new request: false once the run has what it needs. */
      keepGoing: () => boolean;
    },
  ) {}

  async run(): Promise<LoadResult> {
    await Promise.all(Array.from({ length: this.options.concurrency }, () => this.loop()));
    return { answers: this.answers, acks: this.acks, unacknowledged: this.unacknowledged };
  }

  private async loop(): Promise<void> {
    const { random } = this.options;
    while (this.options.keepGoing()) {
      await this.pace();
      if (this.acks.length > 0 && random() < GET_SHARE) {
        const ack = this.acks[Math.floor(random() * this.acks.length)]!;
        await this.send("GET /api/v1/operations/{id}", `/api/v1/operations/${ack.id}`);
      } else {
        await this.start(nextIntent(this.started++, random));
      }
    }
    this.stopAt = Math.min(this.stopAt, Date.now() + DRAIN_MS);
  }

  /** Spaces new requests evenly: the load stays what the run asked for, whatever the machine. */
  private async pace(): Promise<void> {
    const now = Date.now();
    this.nextSlot = Math.max(now, this.nextSlot + 1_000 / this.options.ratePerSecond);
    if (this.nextSlot > now) await sleep(this.nextSlot - now);
  }

  private async start(intent: Intent): Promise<void> {
    const body = JSON.stringify({ type: intent.type, input: intent.input });
    for (let attempt = 1; ; attempt++) {
      const result = await this.send("POST /api/v1/operations", "/api/v1/operations", {
        method: "POST",
        body,
        headers: { "idempotency-key": intent.key },
      });
      if (result.answer.status === 200 || result.answer.status === 201 || result.answer.status === 202) {
        const op = result.body as { id: string; type: string; version: number };
        this.acks.push({
          intent,
          id: op.id,
          type: op.type,
          version: op.version,
          httpStatus: result.answer.status,
          attempts: attempt,
        });
        return;
      }
      const retryable =
        result.answer.status === 503 ||
        result.answer.status === 429 ||
        result.answer.status === "timeout" ||
        result.answer.status === "network" ||
        result.answer.status === 0;
      if (!retryable || Date.now() > this.stopAt) {
        this.unacknowledged.push(intent);
        return;
      }
      await sleep(Math.min(1_000, 100 * attempt));
    }
  }

  /** One request to a web that is up (waiting while none is); every answer is recorded. */
  private async send(
    endpoint: Endpoint,
    route: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<{ answer: Answer; body: unknown }> {
    const sentAt = Date.now();
    const answer: Answer = { endpoint, status: 0, sentAt, doneAt: 0, retryAfter: false };
    // While webs roll over none may be up for a moment; none for a whole client timeout is a failure.
    let web = this.options.fleet.pickWeb();
    while (!web && Date.now() - sentAt < this.options.clientTimeoutMs) {
      await sleep(50);
      web = this.options.fleet.pickWeb();
    }
    if (!web) {
      answer.status = "network";
      answer.problem = "no web process was up";
      answer.doneAt = Date.now();
      this.answers.push(answer);
      return { answer, body: null };
    }
    web.inFlight++;
    let body: unknown = null;
    try {
      const response = await fetch(`http://127.0.0.1:${web.port}${route}`, {
        ...init,
        headers: {
          authorization: `Bearer ${CHAOS_API_KEY}`,
          "content-type": "application/json",
          ...init.headers,
        },
        signal: AbortSignal.timeout(this.options.clientTimeoutMs),
      });
      const text = await response.text();
      answer.status = response.status;
      answer.retryAfter = response.headers.has("retry-after");
      body = parseJson(text);
      if (response.status >= 400)
        answer.problem = (body as { type?: string } | null)?.type ?? text.slice(0, 80);
    } catch (error) {
      const name = (error as Error).name;
      answer.status = name === "TimeoutError" || name === "AbortError" ? "timeout" : "network";
      answer.problem = (error as Error).message;
    } finally {
      web.inFlight--;
      answer.doneAt = Date.now();
      this.answers.push(answer);
    }
    return { answer, body };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
