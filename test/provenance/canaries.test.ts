import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canariesPath, CANARY_KINDS, createCanary, findCanaryHits, loadCanaries, plantCanary, recordCanary } from '../../src/provenance/canaries.ts';
import { SAMPLE } from './helpers.ts';

describe('canaries', () => {
  it('plants a canary as the closing paragraph and finds it again, whatever the case and punctuation', () => {
    for (const kind of CANARY_KINDS) {
      const canary = createCanary('camp-1', kind);
      const planted = plantCanary(SAMPLE, canary);
      assert.ok(planted.startsWith(SAMPLE));
      assert.ok(planted.endsWith(canary.text));
      const hits = findCanaryHits(planted.toUpperCase().replace(/ /g, '  '), [canary]);
      assert.equal(hits.length, 1, kind);
      assert.equal(hits[0].campaign_id, 'camp-1');
      assert.equal(findCanaryHits(SAMPLE, [canary]).length, 0);
    }
  });

  it('makes each canary unique and gives facts and phrases a trigger prompt', () => {
    const a = createCanary('c', 'fact');
    const b = createCanary('c', 'fact');
    assert.notEqual(a.id, b.id);
    assert.ok(a.trigger?.includes(a.text.split(' ')[4]));
    assert.equal(createCanary('c', 'ask_back').trigger, null);
  });

  it('records canaries with campaign and time in canaries.jsonl, owner-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dg-canaries-'));
    assert.deepEqual(loadCanaries(dir), []);
    const at = new Date('2026-11-27T03:00:00Z');
    const c1 = createCanary('camp-1', 'fact', at);
    const c2 = createCanary('camp-2', 'phrase', at);
    recordCanary(dir, c1);
    recordCanary(dir, c2);
    assert.deepEqual(loadCanaries(dir), [c1, c2]);
    assert.equal(loadCanaries(dir)[0].created_at, at.toISOString());
    assert.equal(statSync(canariesPath(dir)).mode & 0o777, 0o600);
  });
});
