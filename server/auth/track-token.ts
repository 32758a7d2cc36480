import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The end user's link to one operation: the operation id and an expiry, signed with
 * the server secret. Unguessable, read-only, for that operation only, no sign-in.
 */
const SIGNATURE_BYTES = 16;
export const TRACK_LINK_TTL_SECONDS = 30 * 24 * 3600;

function secret(): string {
  const value = process.env.THROUGHLINE_SECRET;
  if (!value) throw new Error("THROUGHLINE_SECRET is not set: start Throughline with `npm start`.");
  return value;
}

function sign(payload: Buffer): Buffer {
  return createHmac("sha256", secret())
    .update("track:")
    .update(payload)
    .digest()
    .subarray(0, SIGNATURE_BYTES);
}

export function createTrackToken(
  operationId: string,
  now = new Date(),
  ttlSeconds = TRACK_LINK_TTL_SECONDS,
): string {
  const payload = Buffer.alloc(20);
  Buffer.from(operationId.replaceAll("-", ""), "hex").copy(payload, 0);
  payload.writeUInt32BE(Math.floor(now.getTime() / 1000) + ttlSeconds, 16);
  return `${payload.toString("base64url")}.${sign(payload).toString("base64url")}`;
}

export type TrackTokenResult =
  | { ok: true; operationId: string; expiresAt: Date }
  | { ok: false; reason: "invalid" | "expired" };

/**
 * Exactly two base64url parts, no padding. Node's decoder ignores stray characters and the
 * unused low bits of the last character, so several strings decode to the same bytes; a
 * token is accepted only when re-encoding its bytes gives back the very string sent, so each
 * link has one valid spelling.
 */
const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function verifyTrackToken(token: string, now = new Date()): TrackTokenResult {
  if (!SHAPE.test(token)) return { ok: false, reason: "invalid" };
  const [encoded, signature] = token.split(".") as [string, string];
  const payload = Buffer.from(encoded, "base64url");
  const given = Buffer.from(signature, "base64url");
  if (payload.length !== 20 || given.length !== SIGNATURE_BYTES) return { ok: false, reason: "invalid" };
  if (payload.toString("base64url") !== encoded || given.toString("base64url") !== signature)
    return { ok: false, reason: "invalid" };
  if (!timingSafeEqual(given, sign(payload))) return { ok: false, reason: "invalid" };
  const expiresAt = new Date(payload.readUInt32BE(16) * 1000);
  if (expiresAt <= now) return { ok: false, reason: "expired" };
  const hex = payload.subarray(0, 16).toString("hex");
  const operationId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { ok: true, operationId, expiresAt };
}
