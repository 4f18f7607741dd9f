// Watermark keys: one for the provider and optionally one per campaign (so a leak can be attributed to the
// campaign whose responses carried it). Kept in <data-dir>/provenance/keys.json, readable by the owner only.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PROVENANCE_ERRORS, ProvenanceError } from './errors.ts';
import { seedFromSecret, type WatermarkSeed } from './keyed-hash.ts';

const keyRecordSchema = z.object({
  id: z.string().min(1),
  /** 32 random bytes, hex */
  secret: z.string().regex(/^[0-9a-f]{64}$/),
  created_at: z.string(),
});
const keysFileSchema = z.object({
  version: z.literal(1),
  provider: keyRecordSchema,
  campaigns: z.record(z.string(), keyRecordSchema).default({}),
});

export type KeyRecord = z.infer<typeof keyRecordSchema>;
export type KeysFile = z.infer<typeof keysFileSchema>;

/** A key ready for use: its record, what it is for and its derived seed. */
export interface WatermarkKey {
  id: string;
  scope: 'provider' | 'campaign';
  campaignId: string | null;
  seed: WatermarkSeed;
}

export function provenanceDir(dataDir: string): string {
  return join(dataDir, 'provenance');
}

export function keysPath(dataDir: string): string {
  return join(provenanceDir(dataDir), 'keys.json');
}

function newRecord(id: string, now: Date): KeyRecord {
  return { id, secret: randomBytes(32).toString('hex'), created_at: now.toISOString() };
}

function writeKeys(dataDir: string, keys: KeysFile): void {
  mkdirSync(provenanceDir(dataDir), { recursive: true, mode: 0o700 });
  const path = keysPath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Reads the keys file; throws KEYS_MISSING when there is none (detection needs the keys `serve` made). */
export function readKeys(dataDir: string): KeysFile {
  const path = keysPath(dataDir);
  if (!existsSync(path)) {
    throw new ProvenanceError(PROVENANCE_ERRORS.KEYS_MISSING, `no watermark keys at ${path} (run serve with this --data-dir first, or check --data-dir)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ProvenanceError(PROVENANCE_ERRORS.KEYS_INVALID, `${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = keysFileSchema.safeParse(raw);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '(top level)';
    throw new ProvenanceError(PROVENANCE_ERRORS.KEYS_INVALID, `${path}: ${field}: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/** The keys file, created with a fresh provider key on first use. */
export function loadOrCreateKeys(dataDir: string, now = new Date()): KeysFile {
  if (existsSync(keysPath(dataDir))) return readKeys(dataDir);
  const keys: KeysFile = { version: 1, provider: newRecord('provider', now), campaigns: {} };
  writeKeys(dataDir, keys);
  return keys;
}

/** The campaign's key, created (and saved) if it has none yet. */
export function ensureCampaignKey(dataDir: string, campaignId: string, now = new Date()): KeyRecord {
  const keys = loadOrCreateKeys(dataDir, now);
  const existing = keys.campaigns[campaignId];
  if (existing) return existing;
  const record = newRecord(`campaign:${campaignId}`, now);
  keys.campaigns[campaignId] = record;
  writeKeys(dataDir, keys);
  return record;
}

/** Every key in the file, provider first: what a detector tests against. */
export function allKeys(keys: KeysFile): WatermarkKey[] {
  const out: WatermarkKey[] = [{ id: keys.provider.id, scope: 'provider', campaignId: null, seed: seedFromSecret(keys.provider.secret) }];
  for (const [campaignId, record] of Object.entries(keys.campaigns)) {
    out.push({ id: record.id, scope: 'campaign', campaignId, seed: seedFromSecret(record.secret) });
  }
  return out;
}

/** The key that marks a response: the campaign's own key when it has one, else the provider's. */
export function keyFor(keys: KeysFile, campaignId: string | null = null): WatermarkKey {
  const record = campaignId === null ? undefined : keys.campaigns[campaignId];
  if (record && campaignId !== null) return { id: record.id, scope: 'campaign', campaignId, seed: seedFromSecret(record.secret) };
  return { id: keys.provider.id, scope: 'provider', campaignId: null, seed: seedFromSecret(keys.provider.secret) };
}
