import { problem } from "./problem";

export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Reads a JSON body within a size limit. Returns the parsed value, or the problem
 * response to send (415, 413 or 400) — never throws for bad input.
 */
export async function readJsonBody(
  request: Request,
  limitBytes = Number(process.env.THROUGHLINE_BODY_LIMIT_BYTES ?? DEFAULT_BODY_LIMIT_BYTES),
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json" && !mediaType.endsWith("+json")) {
    return {
      ok: false,
      response: problem("unsupported-media-type", {
        detail: `Send the body as application/json (got ${mediaType || "no content type"}).`,
      }),
    };
  }
  const tooLarge = () =>
    problem("payload-too-large", { detail: `The body must be at most ${limitBytes} bytes.` });
  if (Number(request.headers.get("content-length") ?? 0) > limitBytes)
    return { ok: false, response: tooLarge() };

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limitBytes) {
        await reader.cancel();
        return { ok: false, response: tooLarge() };
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      response: problem("malformed-json", {
        detail: `The body is not valid JSON: ${(error as Error).message}`,
      }),
    };
  }
}
