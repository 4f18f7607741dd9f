import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runValidation } from '../../src/provenance/validation/run.ts';

// The validation of scripts/validate-provenance.ts at small scale: teacher → watermark (+ canary) →
// n-gram students → HTTP probe → test. The full-scale numbers are in docs/provenance.md.
describe('provenance validation (small scale)', () => {
  it('detects a student trained on watermarked answers, not a clean one, changing ≤ 5 % of words', async () => {
    const r = await runValidation({
      trainSamples: 2000,
      shares: [1, 0],
      queries: 30,
      cleanStudents: 3,
      cleanTrainSamples: 400,
      cleanQueries: 8,
      maxTokens: 300,
      temperature: 0.7,
      seed: 7,
    });
    const [marked, clean] = r.students;
    assert.ok(marked.p_value < 1e-6, `100 % student p = ${marked.p_value}`);
    assert.ok(marked.canary_hits > 0);
    assert.ok(clean.p_value > 1e-6, `0 % student p = ${clean.p_value}`);
    assert.equal(clean.canary_hits, 0);
    assert.ok(r.change_rate > 0 && r.change_rate <= 0.05, `change rate ${r.change_rate}`);
    assert.equal(r.clean.p_values.length, 3);
    for (const p of r.clean.p_values) assert.ok(p >= 0 && p <= 1);
  });
});
