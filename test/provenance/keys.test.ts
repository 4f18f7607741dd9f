import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allKeys, ensureCampaignKey, keyFor, keysPath, loadOrCreateKeys, readKeys } from '../../src/provenance/keys.ts';
import { ProvenanceError } from '../../src/provenance/errors.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'dg-keys-'));

describe('provenance keys', () => {
  it('creates a provider key once, owner-only, and reads the same key back', () => {
    const dir = tempDir();
    const a = loadOrCreateKeys(dir);
    assert.equal(statSync(keysPath(dir)).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateKeys(dir), a);
    assert.deepEqual(readKeys(dir), a);
    assert.notDeepEqual(loadOrCreateKeys(tempDir()).provider.secret, a.provider.secret);
  });

  it('adds per-campaign keys and picks the campaign key for a campaign', () => {
    const dir = tempDir();
    const record = ensureCampaignKey(dir, 'camp-7');
    assert.deepEqual(ensureCampaignKey(dir, 'camp-7'), record);
    const keys = readKeys(dir);
    assert.equal(allKeys(keys).length, 2);
    assert.equal(keyFor(keys, 'camp-7').campaignId, 'camp-7');
    assert.equal(keyFor(keys, 'other').scope, 'provider');
    assert.equal(keyFor(keys).scope, 'provider');
  });

  it('fails with a typed error when keys are missing or invalid', () => {
    const dir = tempDir();
    assert.throws(() => readKeys(dir), (e: unknown) => e instanceof ProvenanceError && e.code === 'DG_ERR_PROVENANCE_KEYS_MISSING');
    mkdirSync(join(dir, 'provenance'));
    writeFileSync(keysPath(dir), '{"version": 1, "provider": {"id": "p", "secret": "short", "created_at": "x"}}');
    assert.throws(() => readKeys(dir), (e: unknown) => e instanceof ProvenanceError && e.code === 'DG_ERR_PROVENANCE_KEYS_INVALID');
  });
});
