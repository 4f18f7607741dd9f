// API key secrets: `dg-<keyId>-<43 chars of base64url>`. The key id (`key_` + 12 hex) is the visible,
// loggable part and the lookup handle; the whole secret is stored only as an HMAC under the data dir's pepper.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'dg-';
const KEY_ID_PREFIX = 'key_';
const KEY_ID_HEX_CHARS = 12;
/** 32 random bytes in base64url without padding. */
const RANDOM_PART_CHARS = 43;
/** `dg-` + `key_` + 12 hex + `-` + 43 chars. */
export const SECRET_LENGTH = SECRET_PREFIX.length + KEY_ID_PREFIX.length + KEY_ID_HEX_CHARS + 1 + RANDOM_PART_CHARS;

const KEY_ID_PATTERN = /^key_[0-9a-f]{12}$/;
const SECRET_PATTERN = /^dg-key_[0-9a-f]{12}-[A-Za-z0-9_-]{43}$/;
const KEY_ID_START = SECRET_PREFIX.length;
const KEY_ID_END = KEY_ID_START + KEY_ID_PREFIX.length + KEY_ID_HEX_CHARS;

export interface GeneratedKey {
  keyId: string;
  secret: string;
}

export function generateKey(): GeneratedKey {
  const keyId = KEY_ID_PREFIX + randomBytes(KEY_ID_HEX_CHARS / 2).toString('hex');
  const secret = `${SECRET_PREFIX}${keyId}-${randomBytes(32).toString('base64url')}`;
  return { keyId, secret };
}

export function isKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}

/** The key id inside a well-formed secret, or null. The length check turns most garbage away before the regex. */
export function parseKeyId(secret: string): string | null {
  if (secret.length !== SECRET_LENGTH || !SECRET_PATTERN.test(secret)) return null;
  return secret.slice(KEY_ID_START, KEY_ID_END);
}

/** HMAC-SHA256 of the secret under the pepper, hex (what the store keeps). */
export function hashSecret(pepper: string, secret: string): string {
  return hmacSecret(pepper, secret).toString('hex');
}

/** HMAC-SHA256 of the secret under the pepper, raw bytes (what the hot path compares). */
export function hmacSecret(pepper: string, secret: string): Buffer {
  return createHmac('sha256', pepper).update(secret).digest();
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // timingSafeEqual needs equal lengths; compare against itself so the length mismatch costs the same time
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
