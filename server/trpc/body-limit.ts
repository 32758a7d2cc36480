import { TRPCError } from "@trpc/server";

/**
 * The request with its body capped at `maxBytes` (the same THROUGHLINE_BODY_LIMIT_BYTES as
 * /api/v1): the fetch adapter reads a whole body before any procedure runs and has no limit of its
 * own, so a 100 MB POST was read into memory. Past the cap the body stream fails with a typed
 * PAYLOAD_TOO_LARGE, which tRPC answers (413) for every call of the request; a Content-Length over
 * the cap fails before a byte is read.
 */
export function limitBody(req: Request, maxBytes: number): Request {
  if (req.method !== "POST" || !req.body) return req;
  const tooLarge = () =>
    new TRPCError({
      code: "PAYLOAD_TOO_LARGE",
      message: `The request body must be at most ${maxBytes} bytes.`,
    });
  let size = 0;
  const declared = Number(req.headers.get("content-length") ?? 0);
  const capped = req.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        if (declared > maxBytes) controller.error(tooLarge());
      },
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(req, { body: capped, duplex: "half" } as RequestInit);
}
