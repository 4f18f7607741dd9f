import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import type { LoadResult } from '../../bench/lib/load-types.ts';
import { checkGoals, renderMarkdown, summarize, type GatewayBenchReport, type RunRecord } from '../../bench/lib/report.ts';

function load(rps: number, p99: number, failures: Partial<Pick<LoadResult, 'errors' | 'non2xx' | 'timeouts'>> = {}): LoadResult {
  return {
    durationSeconds: 10,
    ok: rps * 10,
    rps,
    latencyMs: { mean: p99 / 3, p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2 },
    errors: failures.errors ?? 0,
    timeouts: failures.timeouts ?? 0,
    non2xx: failures.non2xx ?? 0,
    statusCodes: { '200': rps * 10 },
    bytesPerSecond: rps * 1000,
  };
}

const run = (target: RunRecord['target'], mode: RunRecord['mode'], l: LoadResult | undefined, failure?: string): RunRecord => ({
  target,
  mode,
  round: 1,
  load: l,
  failure,
  loadAverage1m: 0,
});

describe('gateway bench report', () => {
  it('compares each target with the bare proxy: throughput share and added p99', () => {
    const summary = summarize(
      [run('bare', 'json', load(10_000, 10)), run('gateway', 'json', load(9_000, 10.5)), run('portkey', 'json', load(2_000, 40))],
      ['bare', 'gateway', 'portkey'],
      ['json'],
    );
    const gateway = summary.find((s) => s.target === 'gateway');
    assert.equal(gateway?.status, 'ok');
    assert.equal(gateway?.throughputPctOfBare, 90);
    assert.equal(gateway?.addedP99Ms, 0.5);
    assert.equal(summary.find((s) => s.target === 'portkey')?.throughputPctOfBare, 20);
    const goals = checkGoals(summary, undefined);
    assert.deepEqual(goals.map((g) => g.met), [true, true]);
  });

  it('compares with the bare run of the same round and takes the median of those paired figures', () => {
    const runs: RunRecord[] = [
      // round 2 ran while the machine was busy: both targets slowed down together
      { ...run('bare', 'json', load(10_000, 10)), round: 1 },
      { ...run('gateway', 'json', load(9_000, 11)), round: 1 },
      { ...run('bare', 'json', load(2_000, 100)), round: 2 },
      { ...run('gateway', 'json', load(1_800, 100.5)), round: 2 },
      { ...run('bare', 'json', load(8_000, 12)), round: 3 },
      { ...run('gateway', 'json', load(7_600, 12.5)), round: 3 },
    ];
    const gateway = summarize(runs, ['bare', 'gateway'], ['json']).find((s) => s.target === 'gateway');
    assert.equal(gateway?.throughputPctOfBare, 90); // pairs: 90 %, 90 %, 95 %
    assert.equal(gateway?.addedP99Ms, 0.5); // pairs: 1, 0.5, 0.5
  });

  it('reports the CPU the target spent per answered request', () => {
    const [bare] = summarize([{ ...run('bare', 'json', load(1_000, 10)), serverCpuSeconds: 5 }], ['bare'], ['json']);
    assert.equal(bare.cpuUsPerRequest, 500); // 5 s of CPU over 10,000 answers
  });

  it('takes the median over rounds', () => {
    const runs = [10_000, 12_000, 11_000].map((rps, i) => ({ ...run('bare', 'sse', load(rps, 20 + i)), round: i + 1 }));
    const [bare] = summarize(runs, ['bare'], ['sse']);
    assert.equal(bare.rps, 11_000);
    assert.equal(bare.p99Ms, 21);
  });

  it('reports a target that errors as such and does not let it meet a goal', () => {
    const summary = summarize(
      [run('bare', 'json', load(10_000, 10)), run('gateway', 'json', load(9_900, 10, { non2xx: 3 }))],
      ['bare', 'gateway'],
      ['json'],
    );
    assert.equal(summary[1].status, 'errors');
    assert.equal(summary[1].non2xx, 3);
    const goals = checkGoals(summary, undefined);
    assert.ok(goals.every((g) => !g.met && g.value === 'requests failed'));
  });

  it('reports a target that could not be measured with its reason', () => {
    const summary = summarize([run('bare', 'sse', load(5_000, 30)), run('gateway', 'sse', undefined, 'status 401: no key')], ['bare', 'gateway'], ['sse']);
    assert.equal(summary[1].status, 'failed');
    assert.equal(summary[1].reason, 'status 401: no key');
    const report: GatewayBenchReport = {
      bench: 'gateway',
      startedAt: '2026-11-27T00:00:00.000Z',
      machine: { cpus: 2, cpuModel: 'Test CPU', ramGb: 4, node: 'v20', os: 'Linux', loadAverage1m: 0 },
      settings: { connections: 50, warmupSeconds: 1, durationSeconds: 1, rounds: 1, soakSeconds: 0 },
      runs: [],
      summary,
      goals: checkGoals(summary, undefined),
    };
    const markdown = renderMarkdown(report);
    assert.match(markdown, /\| sse \| distillguard gateway \| failed: status 401: no key/);
    assert.match(markdown, /2 × Test CPU, 4 GB RAM/);
  });

  it('judges the soak by its RSS trend and by failed requests', () => {
    const trend = { startMb: 100, endMb: 101, maxMb: 104, warmupSeconds: 60, slopeMbPerMin: 0.1, projectedGrowthMb: 0.4, flat: true };
    const good = checkGoals([], { durationSeconds: 300, intervalSeconds: 5, modes: ["json", "sse"], skippedModes: [], samples: [], trend, load: load(5000, 10) });
    assert.equal(good[0].met, true);
    const failing = checkGoals([], { durationSeconds: 300, intervalSeconds: 5, modes: ["json", "sse"], skippedModes: [], samples: [], trend, load: load(5000, 10, { errors: 1 }) });
    assert.equal(failing[0].met, false);
  });
});

test('the watermark goal compares the request thread CPU per request of the watermarking gateway with the plain one', () => {
  const base = { mode: 'json' as const, status: 'ok' as const };
  const goals = checkGoals(
    [
      // the process totals point the other way: the request thread is what is judged
      { ...base, target: 'gateway', cpuUsPerRequest: 400, requestThreadCpuUsPerRequest: 200 },
      { ...base, target: 'gateway-wm', cpuUsPerRequest: 470, requestThreadCpuUsPerRequest: 215 },
      { ...base, mode: 'sse' as const, target: 'gateway', cpuUsPerRequest: 500, requestThreadCpuUsPerRequest: 300 },
      { ...base, mode: 'sse' as const, target: 'gateway-wm', cpuUsPerRequest: 520, requestThreadCpuUsPerRequest: 340 },
    ],
    undefined,
  ).filter((g) => g.goal.startsWith('watermark'));
  assert.deepEqual(goals.map((g) => [g.mode, g.met]), [['json', true], ['sse', false]]);
  assert.match(goals[0].value, /^7\.5 % \(215 vs 200 µs; whole process 17\.5 %\)/);
});

test('the watermark goal is not met when the request thread was not measured', () => {
  const base = { mode: 'json' as const, status: 'ok' as const };
  const goals = checkGoals(
    [
      { ...base, target: 'gateway', cpuUsPerRequest: 400 },
      { ...base, target: 'gateway-wm', cpuUsPerRequest: 401 },
    ],
    undefined,
  ).filter((g) => g.goal.startsWith('watermark'));
  assert.deepEqual(goals.map((g) => [g.value, g.met]), [['not measured', false]]);
});

test('the request thread CPU is summarised per target like the process CPU', () => {
  const runs: RunRecord[] = [1, 2, 3].map((round) => ({ ...run('gateway', 'json', load(1_000, 10)), round, serverCpuSeconds: 0.4, requestThreadCpuSeconds: 0.1 * round }));
  const [summary] = summarize(runs, ['gateway'], ['json']);
  // 10,000 answers per run: the median of 10, 20 and 30 µs
  assert.equal(Math.round(summary.requestThreadCpuUsPerRequest ?? 0), 20);
});
