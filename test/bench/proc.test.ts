import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCpuSeconds, readRssMb } from '../../bench/lib/proc.ts';

describe('process accounting from /proc', () => {
  it('reads the resident set size of a live process in MB', () => {
    const rss = readRssMb(process.pid);
    const own = process.memoryUsage().rss / 1024 / 1024;
    assert.ok(rss > 10 && Math.abs(rss - own) < 64, `VmRSS ${rss} MB vs ${own} MB from process.memoryUsage()`);
  });

  it('reads CPU seconds that grow as the process works', () => {
    const before = readCpuSeconds(process.pid);
    const until = process.cpuUsage().user + 300_000; // burn at least 0.3 s of CPU
    let x = 0;
    while (process.cpuUsage().user < until) x += Math.sqrt(x + 1);
    const after = readCpuSeconds(process.pid);
    assert.ok(x > 0);
    assert.ok(after - before >= 0.2, `CPU time went from ${before} to ${after}`);
  });
});
