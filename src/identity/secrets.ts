// Secrets that belong to a data dir: the pepper that keys API-key hashes and the admin API token.
// Each is created on first use and reused after, so a restart keeps every key and token valid.
// Environment variables override the files (for deployments that inject secrets).
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';

export const KEY_PEPPER_FILE = 'key-pepper';
export const ADMIN_TOKEN_FILE = 'admin-token';
export const KEY_PEPPER_ENV = 'DISTILLGUARD_KEY_PEPPER';
export const ADMIN_TOKEN_ENV = 'DISTILLGUARD_ADMIN_TOKEN';

/** Creates the data dir (owner-only) if it does not exist. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** The HMAC key for API-key hashes: $DISTILLGUARD_KEY_PEPPER, else `<dir>/key-pepper` (32 random bytes, hex). */
export function loadKeyPepper(dir: string): string {
  return fromEnv(KEY_PEPPER_ENV) ?? readOrCreate(dir, KEY_PEPPER_FILE, () => randomBytes(32).toString('hex'));
}

/** The admin API bearer token: $DISTILLGUARD_ADMIN_TOKEN, else `<dir>/admin-token`. */
export function loadAdminToken(dir: string): string {
  return fromEnv(ADMIN_TOKEN_ENV) ?? readOrCreate(dir, ADMIN_TOKEN_FILE, () => 'dga_' + randomBytes(32).toString('base64url'));
}

function fromEnv(name: string): string | null {
  const value = process.env[name]?.trim();
  return value ? value : null;
}

function readOrCreate(dir: string, name: string, generate: () => string): string {
  ensureDataDir(dir);
  const file = join(dir, name);
  const existing = readSecret(file);
  if (existing !== null) return existing;
  // Write a private temp file, then hard-link it into place: the link either appears with the full
  // content or fails because another process won the race, in which case its secret is the one to use.
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeFileSync(tmp, generate() + '\n', { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  const value = readSecret(file);
  if (value === null) throw new ConfigError(`${file} is empty; delete it to have a new secret generated`);
  return value;
}

function readSecret(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const value = text.trim();
  if (!value) throw new ConfigError(`${file} is empty; delete it to have a new secret generated`);
  return value;
}
