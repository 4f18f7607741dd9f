import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linearSlope, percentile, rssTrend, type RssSample } from '../../bench/lib/stats.ts';

describe('bench statistics', () => {
  it('percentile uses the nearest rank over every sample', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile(sorted, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('linearSlope recovers the slope of a line and is 0 without spread', () => {
    assert.equal(linearSlope([0, 1, 2, 3], [1, 3, 5, 7]), 2);
    assert.equal(linearSlope([5, 5], [1, 9]), 0);
    assert.equal(linearSlope([1], [1]), 0);
  });

  it('rssTrend calls a series flat when growth stops after warm-up, despite GC sawtooth', () => {
    const samples: RssSample[] = [];
    for (let t = 0; t <= 300; t += 5) {
      const warm = Math.min(t, 40) * 2; // grows 80 MB while the heap warms up, then holds
      samples.push({ t, rssMb: 100 + warm + (t % 15 === 5 ? 3 : 0) });
    }
    const trend = rssTrend(samples);
    assert.equal(trend.startMb, 100);
    assert.equal(trend.maxMb, 183);
    assert.ok(trend.flat, `slope ${trend.slopeMbPerMin} MB/min should be flat`);
  });

  it('rssTrend flags steady growth after warm-up as not flat', () => {
    const samples: RssSample[] = [];
    for (let t = 0; t <= 300; t += 5) samples.push({ t, rssMb: 150 + t * (10 / 60) }); // 10 MB/min leak
    const trend = rssTrend(samples);
    assert.ok(Math.abs(trend.slopeMbPerMin - 10) < 1e-9);
    assert.equal(trend.flat, false);
  });
});
