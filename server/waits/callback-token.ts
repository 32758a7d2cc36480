import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The callback token of one wait: `POST /api/v1/callbacks/{token}` needs no API key, so the
 * token is the only authority it grants — bound to one wait, one operation and one step,
 * signed with the server secret under its own label (a track link's signature never verifies
 * here). The caller still loads the wait row by id and checks operation and step against it:
 * a token whose row is gone, or names another operation, is refused exactly like a forged one.
 */
const SIGNATURE_BYTES = 32;
const ID_BYTES = 16;
const STEP_SHAPE = /^[a-z][a-z0-9_]{0,62}$/;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type CallbackBinding = { waitId: string; operationId: string; step: string };

function sign(secret: string, payload: Buffer): Buffer {
  return createHmac("sha256", secret).update("callback:").update(payload).digest();
}

function uuidBytes(id: string): Buffer {
  const hex = id.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a uuid: ${id}`);
  return Buffer.from(hex, "hex");
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function createCallbackToken(secret: string, binding: CallbackBinding): string {
  if (!STEP_SHAPE.test(binding.step)) throw new Error(`not a step name: ${binding.step}`);
  const payload = Buffer.concat([
    uuidBytes(binding.waitId),
    uuidBytes(binding.operationId),
    Buffer.from(binding.step, "utf8"),
  ]);
  return `${payload.toString("base64url")}.${sign(secret, payload).toString("base64url")}`;
}

/**
 * The binding of a genuine token, or null for anything else (forged, truncated, re-spelled,
 * another label's signature). One answer for every refusal, so a caller cannot tell them apart.
 * Each token has one valid spelling: its bytes must re-encode to the very string sent.
 */
export function verifyCallbackToken(secret: string, token: string): CallbackBinding | null {
  if (token.length > 512 || !TOKEN_SHAPE.test(token)) return null;
  const [encoded, signature] = token.split(".") as [string, string];
  const payload = Buffer.from(encoded, "base64url");
  const given = Buffer.from(signature, "base64url");
  if (payload.length <= 2 * ID_BYTES || given.length !== SIGNATURE_BYTES) return null;
  if (payload.toString("base64url") !== encoded || given.toString("base64url") !== signature) return null;
  if (!timingSafeEqual(given, sign(secret, payload))) return null;
  const step = payload.subarray(2 * ID_BYTES).toString("utf8");
  if (!STEP_SHAPE.test(step)) return null;
  return {
    waitId: uuidText(payload.subarray(0, ID_BYTES)),
    operationId: uuidText(payload.subarray(ID_BYTES, 2 * ID_BYTES)),
    step,
  };
}
