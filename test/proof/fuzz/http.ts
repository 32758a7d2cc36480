import fc from "fast-check";
import { ZStartOperationRequestSchema } from "@/server/operations/schemas";
import { arbitraryFor, type Pools } from "./from-zod";
import {
  badBytes,
  hostileNumber,
  hostileObject,
  hostileString,
  hostileValue,
  safeStringify,
} from "./hostile";

/** Bodies and query strings for the /api/v1 routes. */

const orderInput = fc.record({
  orderId: fc.oneof(hostileString, fc.constant("ord_1")),
  customerEmail: fc.oneof(hostileString, fc.constant("ada@example.com")),
  items: fc.oneof(
    fc.array(fc.record({ sku: hostileString, quantity: hostileNumber }), { maxLength: 5 }),
    hostileValue,
  ),
  amountCents: hostileNumber,
  currency: fc.oneof(hostileString, fc.constant("EUR")),
});

/**
 * A body: a start request from the schema itself (valid ones reach intake and commit), JSON of a
 * hostile one, text that is not JSON, or bytes that are not UTF-8.
 */
export const httpBody = (pools: Pools): fc.Arbitrary<string | Uint8Array<ArrayBuffer>> =>
  fc.oneof(
    // A start a client would send: a staged workflow's own example input (each run a new operation).
    {
      arbitrary: fc
        .record({
          type: fc.constantFrom("order.fulfill", "account.verify", "demo.noop"),
          reference: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }),
        })
        .map(({ type, reference }) =>
          safeStringify({
            type,
            input:
              (pools.exampleInput as Record<string, unknown>[] | undefined)?.find((e) => e.type === type)
                ?.input ?? {},
            reference,
          }),
        ),
      weight: 2,
    },
    {
      arbitrary: arbitraryFor(ZStartOperationRequestSchema, { pools, hostileWeight: 1 }).map((o) =>
        safeStringify(o),
      ),
      weight: 2,
    },
    fc
      .record(
        {
          type: fc.oneof(hostileString, fc.constantFrom("order.fulfill", "account.verify", "demo.noop")),
          input: fc.oneof(orderInput, hostileObject, hostileValue),
          subject: hostileValue,
          reference: hostileValue,
        },
        { requiredKeys: [] },
      )
      .map((o) => safeStringify(o)),
    hostileString,
    badBytes,
    fc.constantFrom("", "{", "null", "[]", '{"type":', "\uFEFF{}", '{"a":1}{"b":2}'),
  );

const NUL = String.fromCharCode(0);

/** A query string of known and unknown parameters with hostile values (NUL spelled %00). */
export const httpQuery: fc.Arbitrary<string> = fc
  .dictionary(
    fc.oneof(fc.constantFrom("status", "type", "subject", "reference", "limit", "cursor"), hostileString),
    hostileString,
    { maxKeys: 5 },
  )
  .map((q) =>
    new URLSearchParams(
      Object.entries(q).map(([k, v]) => [
        k.slice(0, 500),
        v.slice(0, 2000).replace(/[\ud800-\udfff]/g, "\ufffd"),
      ]),
    )
      .toString()
      .replaceAll(encodeURIComponent(NUL), "%00"),
  );
