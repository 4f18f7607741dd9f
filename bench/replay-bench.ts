// Replay benchmark (issue 4, "Replay"): a held-out simulated scenario sent through a real gateway process
// (`serve --replay-mode`, enforcement in enforce mode, demo upstream) and scored against the closed loop's targets:
// ≥ 90 % of attacker reasoning tokens after each campaign's first hour withheld or degraded, ≤ 0.1 % of benign
// requests affected, no benign account suspended. Also reports the replay's throughput.
//
//   node --import tsx bench/replay-bench.ts [--quick] [--scenario=NAME] [--seed=N] [--scale=X] [--days=D]
//        [--speed=X] [--concurrency=N] [--detector-lag=S] [--keep]
//
// --detector-lag=S waits for the gateway's detector so that it never lags more than S seconds of log time (the loop's
// design is 1 s): the result then does not depend on how fast this machine replays.
//
// Writes bench/results/replay-<time>.json (the replay report plus the run's settings) and replay-<time>.html.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readLabels } from '../src/eval/labels.ts';
import { renderReplayHtml } from '../src/replay/html.ts';
import { DEFAULT_CONCURRENCY, runReplay } from '../src/replay/run-replay.ts';
import { renderSummaryText } from '../src/replay/summary-text.ts';
import { simulate } from '../src/sim/simulate.ts';
import { writeSimulation } from '../src/sim/writer.ts';
import { describeMachine } from './lib/machine.ts';
import { freePort, installSignalHandlers, spawnServer, stopProcess } from './lib/processes.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(REPO_ROOT, 'bin/distillguard.js');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    days: { type: 'string' },
    speed: { type: 'string' },
    concurrency: { type: 'string' },
    'detector-lag': { type: 'string' },
  },
  strict: false,
});
const quick = values.quick === true;
// Held out: the -holdout variant (other templates, seeds and timing than the detector was fitted on).
const scenario = String(values.scenario ?? 'small-holdout');
const seed = Number(values.seed ?? 101);
const scale = Number(values.scale ?? (quick ? 0.25 : 1));
const days = values.days === undefined ? (quick ? 1 : undefined) : Number(values.days);
const speed = values.speed === undefined ? null : Number(values.speed);
const concurrency = Number(values.concurrency ?? DEFAULT_CONCURRENCY);
const detectorLag = values['detector-lag'] === undefined ? null : Number(values['detector-lag']);

installSignalHandlers();
const work = mkdtempSync(join(os.tmpdir(), 'dg-replay-bench-'));
try {
  const simDir = join(work, 'sim');
  const sim = writeSimulation(simDir, simulate({ scenario, seed, scale, days }));
  console.error(`replay-bench: ${scenario} seed ${seed} scale ${scale}: ${sim.accounts} accounts, ${sim.events} events`);
  const configPath = join(work, 'config.json');
  // When the replay waits for the detector, a short flush interval only makes the waits shorter (the results do not
  // depend on it: the detector's lag is held in log time).
  const events = detectorLag === null ? {} : { events: { flush_interval_ms: 5 } };
  writeFileSync(configPath, JSON.stringify({ enforcement: { mode: 'enforce' }, server: { trusted_proxies: ['127.0.0.1', '::1'] }, ...events }));
  const [port, adminPort] = [await freePort(), await freePort()];
  const dataDir = join(work, 'data');
  const server = await spawnServer({
    name: 'gateway (replay mode)',
    command: process.execPath,
    args: [CLI, 'serve', '--port', String(port), '--admin-port', String(adminPort), '--data-dir', dataDir, '--replay-mode', '--config', configPath, '--demo-delay-ms', '0'],
    port: adminPort,
    cwd: REPO_ROOT,
    logFile: join(work, 'gateway.log'),
  });
  let report;
  const wallStart = performance.now();
  try {
    report = await runReplay({
      eventsPath: join(simDir, 'events.jsonl'),
      accountsPath: join(simDir, 'accounts.jsonl'),
      labels: readLabels(join(simDir, 'labels.json')),
      gatewayUrl: `http://127.0.0.1:${port}`,
      adminUrl: `http://127.0.0.1:${adminPort}`,
      adminToken: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(),
      speed,
      concurrency,
      detectorLagSeconds: detectorLag,
    });
  } finally {
    await stopProcess(server.child);
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  console.log(renderSummaryText(report));
  console.log(`replay-bench: ${Math.round(report.requests / wallSeconds)} requests/s over ${wallSeconds.toFixed(1)} s`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
  const resultsDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const out = join(resultsDir, `replay-${stamp}.json`);
  writeFileSync(out, JSON.stringify({ bench: 'replay', scenario, seed, scale, days: days ?? null, detector_lag_seconds: detectorLag, machine: describeMachine(), wall_seconds: wallSeconds, requests_per_second: report.requests / wallSeconds, report }, null, 2) + '\n');
  writeFileSync(out.replace(/\.json$/, '.html'), renderReplayHtml(report));
  console.log(`replay-bench: ${out}`);
} finally {
  if (values.keep) console.error(`replay-bench: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
