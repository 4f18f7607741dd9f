// Gateway benchmark (issue 2, "Speed"): the distillguard gateway with auth, gates, limits and events on, against
// a bare pass-through proxy and the Portkey gateway, all in front of the same local upstream, non-streaming and
// SSE, at c=50; then an RSS soak of the gateway. Every server and the load generator run in processes of their own.
//
//   node --import tsx bench/gateway-bench.ts [--quick] [--targets=bare,gateway,portkey] [--modes=json,sse]
//        [--duration=S] [--warmup=S] [--rounds=N] [--soak=S | --no-soak] [--connections=N] [--cpu-prof]
//
// Flags take their value with `=` so that scripts/run-bench.mjs can tell them from its filter argument.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeProfile } from './lib/cpuprofile.ts';
import { runLoad } from './lib/load.ts';
import type { LoadRequest } from './lib/load-types.ts';
import { countEventLines, countSqliteEvents } from './lib/event-count.ts';
import { describeMachine } from './lib/machine.ts';
import { MODES, REQUEST_BODY, type Mode } from './lib/payloads.ts';
import { preflight } from './lib/preflight.ts';
import { installSignalHandlers, stopAll } from './lib/processes.ts';
import {
  checkGoals,
  cpuUsPerRequest,
  renderMarkdown,
  summarize,
  type CpuProfileReport,
  type EventsCheck,
  type GatewayBenchReport,
  type RunRecord,
  type SoakReport,
} from './lib/report.ts';
import { readCpuSeconds, readRssMb, readThreadCpuSeconds } from './lib/proc.ts';
import { round, rssTrend } from './lib/stats.ts';
import {
  REPO_ROOT,
  startTarget,
  startUpstreamProcess,
  TARGET_NAMES,
  type RunningTarget,
  type StartContext,
  type TargetName,
} from './lib/targets.ts';

const RSS_INTERVAL_SECONDS = 5;

interface Settings {
  quick: boolean;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  rounds: number;
  soakSeconds: number;
  targets: TargetName[];
  modes: Mode[];
  cpuProf: boolean;
}

function listOption<T extends string>(value: unknown, allowed: readonly T[], name: string): T[] {
  if (typeof value !== 'string') return [...allowed];
  const picked = value.split(',').map((v) => v.trim()).filter(Boolean);
  for (const v of picked) if (!allowed.includes(v as T)) throw new Error(`--${name}: unknown value ${v} (use ${allowed.join(',')})`);
  return picked as T[];
}

function numberOption(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
}

function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean' },
      'no-soak': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      targets: { type: 'string' },
      modes: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      soak: { type: 'string' },
      connections: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  return {
    quick,
    connections: numberOption(values.connections, 50, 'connections'),
    warmupSeconds: numberOption(values.warmup, quick ? 3 : 10, 'warmup'),
    durationSeconds: numberOption(values.duration, quick ? 5 : 20, 'duration'),
    rounds: Math.max(1, Math.floor(numberOption(values.rounds, 1, 'rounds'))),
    soakSeconds: values['no-soak'] === true ? 0 : numberOption(values.soak, quick ? 60 : 300, 'soak'),
    targets: listOption(values.targets, TARGET_NAMES, 'targets'),
    modes: listOption(values.modes, MODES, 'modes'),
    cpuProf: values['cpu-prof'] === true,
  };
}

function loadRequests(target: RunningTarget, modes: readonly Mode[]): LoadRequest[] {
  return modes.map((mode) => ({ method: 'POST', path: target.path, headers: target.headers, body: REQUEST_BODY[mode] }));
}

const log = (msg: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

/** Below this CPU share over one poll a target counts as idle (/proc counts CPU in 10 ms ticks: at most one tick). */
const IDLE_CPU_SHARE = 0.04;
const IDLE_POLL_MS = 250;
/** Idle polls in a row that end the wait: longer than the event queue's 250 ms flush timer, so a last partial batch is not missed. */
const IDLE_POLLS = 2;
const IDLE_WAIT_MAX_MS = 10_000;

/** Waits until the process has finished its deferred work (event writes, detection), at most IDLE_WAIT_MAX_MS. */
async function waitUntilIdle(pid: number): Promise<void> {
  const deadline = Date.now() + IDLE_WAIT_MAX_MS;
  let last = readCpuSeconds(pid);
  let idlePolls = 0;
  while (idlePolls < IDLE_POLLS && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
    const now = readCpuSeconds(pid);
    idlePolls = now - last <= (IDLE_CPU_SHARE * IDLE_POLL_MS) / 1000 ? idlePolls + 1 : 0;
    last = now;
  }
}

/** Warm-up and measured runs of every started target in every mode; targets alternate so drift hits all alike. */
async function compare(
  settings: Settings,
  running: Map<TargetName, RunningTarget>,
  failures: Map<TargetName, string>,
  answered: Map<TargetName, number>,
): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  const countAnswers = (name: TargetName, n: number): void => {
    answered.set(name, (answered.get(name) ?? 0) + n);
  };
  const broken = new Map<string, string>();
  for (const mode of settings.modes) {
    for (const name of settings.targets) {
      const target = running.get(name);
      const failure = target ? await preflight(target, mode) : failures.get(name);
      if (target) countAnswers(name, 1);
      if (failure) {
        log(`${name}/${mode}: not measured: ${failure}`);
        broken.set(`${name}/${mode}`, failure);
      }
    }
    for (let roundNo = 1; roundNo <= settings.rounds; roundNo++) {
      // Even rounds run the targets in reverse, so a drift in background load does not favour one of them.
      const order = roundNo % 2 === 1 ? settings.targets : [...settings.targets].reverse();
      for (const name of order) {
        const loadAverage1m = round(os.loadavg()[0]);
        const failure = broken.get(`${name}/${mode}`);
        const target = running.get(name);
        if (failure || !target) {
          if (roundNo === 1) runs.push({ target: name, mode, round: roundNo, failure: failure ?? 'not started', loadAverage1m });
          continue;
        }
        const spec = { origin: target.origin, connections: settings.connections, requests: loadRequests(target, [mode]) };
        // Processes stay up between rounds, so one warm-up (JIT, pools, heap) per target and mode suffices.
        if (roundNo === 1 && settings.warmupSeconds > 0) {
          const warm = await runLoad({ ...spec, durationSeconds: settings.warmupSeconds });
          countAnswers(name, warm.ok + warm.non2xx);
        }
        // CPU is counted from an idle target until it is idle again: a gateway writes and detects its events a
        // moment after answering, and that work belongs to this run's requests, not to whichever run comes next.
        await waitUntilIdle(target.server.pid);
        const cpuBefore = readCpuSeconds(target.server.pid);
        const requestThreadBefore = readThreadCpuSeconds(target.server.pid);
        const load = await runLoad({ ...spec, durationSeconds: settings.durationSeconds });
        await waitUntilIdle(target.server.pid);
        const serverCpuSeconds = readCpuSeconds(target.server.pid) - cpuBefore;
        const requestThreadCpuSeconds = readThreadCpuSeconds(target.server.pid) - requestThreadBefore;
        countAnswers(name, load.ok + load.non2xx);
        const bad = load.errors + load.timeouts + load.non2xx;
        log(
          `${name}/${mode} round ${roundNo}: ${round(load.rps, 0)} req/s, p50 ${round(load.latencyMs.p50)} ms, ` +
            `p99 ${round(load.latencyMs.p99)} ms, ${round(cpuUsPerRequest(serverCpuSeconds, load), 0)} µs CPU/request ` +
            `(request thread ${round(cpuUsPerRequest(requestThreadCpuSeconds, load), 0)})${bad ? `, ${bad} FAILED requests ${JSON.stringify(load.statusCodes)}` : ''}`,
        );
        runs.push({ target: name, mode, round: roundNo, load, serverCpuSeconds, requestThreadCpuSeconds, loadAverage1m });
      }
    }
  }
  return runs;
}

/** After a clean stop (which flushes), the gateway's JSONL logs must hold an event for every answered request. */
async function eventsCheck(gateway: RunningTarget, answered: number): Promise<EventsCheck | undefined> {
  if (!gateway.dataDir) return undefined;
  const written = await countEventLines(gateway.dataDir);
  const sqliteRows = countSqliteEvents(gateway.dataDir);
  const check = { answered, written, sqliteRows, complete: written >= answered && sqliteRows >= answered };
  log(
    `gateway events: ${written} JSONL lines, ${sqliteRows} SQLite rows for ${answered} answered requests` +
      `${check.complete ? '' : ' (EVENTS MISSING)'}`,
  );
  return check;
}

/** A fresh gateway under c=N of alternating JSON and SSE requests, its VmRSS sampled every few seconds. */
async function soak(settings: Settings, ctx: StartContext): Promise<SoakReport> {
  const report: SoakReport = {
    durationSeconds: settings.soakSeconds,
    intervalSeconds: RSS_INTERVAL_SECONDS,
    modes: [],
    skippedModes: [],
    samples: [],
  };
  let gateway: RunningTarget | undefined;
  try {
    gateway = await startTarget('gateway', ctx, 'gateway-soak');
    const pid = gateway.server.pid;
    // A mode the gateway answers wrongly is left out of the soak (and named), rather than failing it outright.
    for (const mode of MODES) {
      const failure = await preflight(gateway, mode);
      if (failure) report.skippedModes.push({ mode, reason: failure });
      else report.modes.push(mode);
    }
    if (report.modes.length === 0) throw new Error(`pre-flight failed in every mode: ${report.skippedModes[0]?.reason}`);
    const started = performance.now();
    const sample = (): void => {
      report.samples.push({ t: round((performance.now() - started) / 1000, 1), rssMb: round(readRssMb(pid), 1) });
    };
    sample();
    const timer = setInterval(sample, RSS_INTERVAL_SECONDS * 1000);
    try {
      report.load = await runLoad({
        origin: gateway.origin,
        connections: settings.connections,
        durationSeconds: settings.soakSeconds,
        requests: loadRequests(gateway, report.modes),
      });
    } finally {
      clearInterval(timer);
    }
    sample();
    report.trend = rssTrend(report.samples);
    await gateway.stop();
    report.events = await eventsCheck(gateway, report.load.ok + report.load.non2xx + MODES.length);
    if (report.skippedModes.length > 0) report.failure = `left out of the soak: ${report.skippedModes.map((m) => `${m.mode} (${m.reason})`).join('; ')}`;
    const t = report.trend;
    log(
      `soak: ${round(report.load.rps, 0)} req/s, RSS ${t.startMb} → ${t.endMb} MB (max ${t.maxMb}), ` +
        `slope ${round(t.slopeMbPerMin)} MB/min after warm-up: ${t.flat ? 'flat' : 'GROWING'}`,
    );
  } catch (err) {
    report.failure = (err as Error).message;
    log(`soak failed: ${report.failure}`);
  } finally {
    await gateway?.stop();
  }
  return report;
}

/** Event data of the gateways can be large: always removed. Server logs stay when something went wrong. */
function keepLogsOnlyOnFailure(workDir: string, somethingFailed: boolean): void {
  if (!somethingFailed) {
    rmSync(workDir, { recursive: true, force: true });
    return;
  }
  for (const entry of readdirSync(workDir)) {
    if (entry.endsWith('-data')) rmSync(join(workDir, entry), { recursive: true, force: true });
  }
  log(`server logs kept in ${workDir}`);
}

/**
 * Of the per-thread profiles in `dir`, keeps the busiest (the main thread, where requests are handled) as
 * `keepAs`, summarises it, and adds up the busy time of the other threads. Removes `dir`.
 */
function keepBusiestProfile(dir: string, keepAs: string): Omit<CpuProfileReport, 'target' | 'answered'> | undefined {
  if (!existsSync(dir)) return undefined;
  const profiles = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ path: join(dir, f), summary: summarizeProfile(join(dir, f), 25) }))
    .sort((a, b) => b.summary.busyMs - a.summary.busyMs);
  const [main, ...others] = profiles;
  if (main) renameSync(main.path, keepAs);
  rmSync(dir, { recursive: true, force: true });
  if (!main) return undefined;
  const otherThreadsBusyMs = others.reduce((ms, p) => ms + p.summary.busyMs, 0);
  return { file: relative(REPO_ROOT, keepAs), otherThreadsBusyMs, otherThreads: others.map((p) => p.summary), ...main.summary };
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  installSignalHandlers();
  const startedAt = new Date();
  const stamp = startedAt.toISOString().slice(0, 16).replace(':', '') + 'Z';
  const resultsDir = join(REPO_ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const workDir = mkdtempSync(join(os.tmpdir(), 'dg-bench-'));
  const machine = describeMachine();
  // One directory per target: node writes a profile per thread (tsx's loader, the SQLite worker), and a
  // fixed --cpu-prof-name would let them overwrite each other.
  const profileDir = (target: TargetName): string => join(resultsDir, `${target}-${stamp}-cpuprofile`);
  log(`gateway bench: targets ${settings.targets.join(', ')}; modes ${settings.modes.join(', ')}; scratch ${workDir}`);

  const running = new Map<TargetName, RunningTarget>();
  const failures = new Map<TargetName, string>();
  let report: GatewayBenchReport | undefined;
  try {
    const upstream = await startUpstreamProcess(workDir);
    const ctx: StartContext = { upstreamUrl: upstream.url, workDir };
    for (const name of settings.targets) {
      const flags = settings.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir(name)}`] : [];
      try {
        running.set(name, await startTarget(name, { ...ctx, nodeFlags: flags }));
        log(`${name}: listening on ${running.get(name)?.origin}`);
      } catch (err) {
        failures.set(name, (err as Error).message);
        log(`${name}: failed to start: ${(err as Error).message}`);
      }
    }
    const answered = new Map<TargetName, number>();
    const runs = await compare(settings, running, failures, answered);
    for (const target of running.values()) await target.stop();
    const gateway = running.get('gateway');
    const events = gateway ? await eventsCheck(gateway, answered.get('gateway') ?? 0) : undefined;
    running.clear();

    const soakReport = settings.soakSeconds > 0 && settings.targets.includes('gateway') ? await soak(settings, ctx) : undefined;
    const summary = summarize(runs, settings.targets, settings.modes);
    report = {
      bench: 'gateway',
      startedAt: startedAt.toISOString(),
      machine,
      settings: {
        connections: settings.connections,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
        rounds: settings.rounds,
        soakSeconds: settings.soakSeconds,
      },
      runs,
      summary,
      goals: settings.targets.includes('gateway') ? checkGoals(summary, soakReport) : [],
      soak: soakReport,
      events,
    };
    if (settings.cpuProf) {
      report.cpuProfiles = [];
      for (const target of settings.targets) {
        const profile = keepBusiestProfile(profileDir(target), join(resultsDir, `${target}-${stamp}.cpuprofile`));
        if (profile) report.cpuProfiles.push({ target, answered: answered.get(target) ?? 0, ...profile });
      }
    }
  } finally {
    await stopAll();
    keepLogsOnlyOnFailure(workDir, failures.size > 0 || report === undefined || report.summary.some((s) => s.status !== 'ok'));
  }

  const outFile = join(resultsDir, `gateway-${stamp}${settings.quick ? '-quick' : ''}.json`);
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${renderMarkdown(report)}\n\nresults: ${relative(REPO_ROOT, outFile)}\n`);
  if (report.goals.some((g) => !g.met)) process.exitCode = 1;
}

main().catch(async (err: unknown) => {
  process.stderr.write(`gateway bench failed: ${(err as Error).stack ?? String(err)}\n`);
  await stopAll();
  process.exit(1);
});
