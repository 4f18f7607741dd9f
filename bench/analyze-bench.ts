// Analyze benchmark (issue 3, "Speed"): how fast `distillguard analyze` gets through a simulated ~180 MB log,
// against merely reading and JSON-parsing the same file, and how the engine's memory grows at scale.
//
//   node --import tsx bench/analyze-bench.ts [--quick] [--runs=N] [--scale-events=N] [--scale-accounts=N]
//
// (a) baseline: a child process reads the log with the same reader as analyze and JSON.parses every line;
// (b) `node bin/distillguard.js analyze --events … --accounts … --out …` end to end, wall time and peak RSS;
// (c) memory at scale, in a child process whose heap is bounded as analyze bounds its engine thread
//     (engineHeapLimitMb of the account count): the simulated events replayed through the Detector over and
//     over, account ids spread onto N accounts and timestamps shifted forward each round, never written to disk.
// Flags take their value with `=` so that scripts/run-bench.mjs can tell them from its filter argument.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { describeMachine, type MachineInfo } from './lib/machine.ts';
import { readCpuSeconds } from './lib/proc.ts';
import { REPO_ROOT } from './lib/targets.ts';
import type { AccountRecordV1, LogEventV1 } from '../src/events/types.ts';

const GOALS = { minEventsPerSecond: 50_000, maxRatioToParse: 3, maxRssMbAtScale: 2048 } as const;
const SCENARIO = { name: 'mixed', seed: 1 } as const;
const CLI = join(REPO_ROOT, 'bin/distillguard.js');
const DIST = join(REPO_ROOT, 'dist');

interface Settings {
  quick: boolean;
  runs: number;
  scaleEvents: number;
  scaleAccounts: number;
  /** internal: run only (c), in this process, and write its result to this file */
  scaleChild: string | null;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      'scale-events': { type: 'string' },
      'scale-accounts': { type: 'string' },
      'scale-child': { type: 'string' },
    },
    strict: false,
  });
  const quick = values.quick === true;
  const int = (v: unknown, fallback: number, name: string): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${String(v)}`);
    return n;
  };
  return {
    quick,
    runs: int(values.runs, quick ? 1 : 3, 'runs'),
    scaleEvents: int(values['scale-events'], quick ? 1_000_000 : 10_000_000, 'scale-events'),
    scaleAccounts: int(values['scale-accounts'], 100_000, 'scale-accounts'),
    scaleChild: typeof values['scale-child'] === 'string' ? values['scale-child'] : null,
  };
}

// ---------------------------------------------------------------------------------------------- the log

/** The simulated log, cached in the temp dir under a key of the simulator's compiled code (a change regenerates it). */
function ensureLog(): { dir: string; events: string; accounts: string; bytes: number; generated: boolean } {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else hash.update(name.name).update(readFileSync(path));
    }
  };
  walk(join(DIST, 'sim'));
  const key = hash.digest('hex').slice(0, 12);
  const dir = join(os.tmpdir(), `distillguard-analyze-bench-${SCENARIO.name}-${SCENARIO.seed}-${key}`);
  const events = join(dir, 'events.jsonl');
  const accounts = join(dir, 'accounts.jsonl');
  let generated = false;
  if (!existsSync(join(dir, 'complete'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.error(`analyze-bench: simulating ${SCENARIO.name} seed ${SCENARIO.seed} into ${dir}`);
    const sim = spawnSync(process.execPath, [CLI, 'simulate', '--scenario', SCENARIO.name, '--seed', String(SCENARIO.seed), '--out', dir], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (sim.status !== 0) throw new Error(`simulate exited with ${sim.status}`);
    writeFileSync(join(dir, 'complete'), '');
    generated = true;
  }
  return { dir, events, accounts, bytes: statSync(events).size, generated };
}

// ------------------------------------------------------------------------------------ child processes

interface ChildRun {
  wallSeconds: number;
  /** VmHWM (peak resident set) of the child, last value read before it exited */
  peakRssMb: number;
  /** user + system CPU seconds of the child, last value read before it exited (≤ 50 ms short): unlike wall
   * time, barely moved by other work on the machine */
  cpuSeconds: number;
  /** CPU seconds of the child's busiest thread (same polling): with analyze on two threads, the critical path
   * a run would take on two idle cores, which wall time on a shared machine does not show */
  busiestThreadCpuSeconds: number;
  stdout: string;
}

/** The largest user + system CPU seconds of any one thread of `pid` (from /proc/PID/task/TID/stat). */
function busiestThreadCpu(pid: number): number {
  let max = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    max = Math.max(max, (Number(f[11]) + Number(f[12])) / 100); // USER_HZ: 100 on Linux
  }
  return max;
}

/** Runs `node ARGS` and times it from spawn to exit, polling the child's peak RSS from /proc. */
function runNode(args: string[]): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peakRssMb = 0;
    let cpuSeconds = 0;
    let busiestThreadCpuSeconds = 0;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    const poll = setInterval(() => {
      try {
        const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakRssMb = Math.max(peakRssMb, Number(m[1]) / 1024);
        cpuSeconds = readCpuSeconds(child.pid!);
        busiestThreadCpuSeconds = Math.max(busiestThreadCpuSeconds, busiestThreadCpu(child.pid!));
      } catch {
        // the child has just exited
      }
    }, 50);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(poll);
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`node ${args.slice(0, 2).join(' ')} exited with ${code}`));
      else resolve({ wallSeconds, peakRssMb, cpuSeconds, busiestThreadCpuSeconds, stdout });
    });
  });
}

/** The baseline: analyze's own line reader and one JSON.parse per line, nothing else. Prints lines and seconds. */
const PARSE_ONLY_SCRIPT = `
const { readJsonlChunks } = await import(${JSON.stringify(pathToFileURL(join(DIST, 'events/reader.js')).href)});
const t0 = performance.now();
let lines = 0;
for await (const chunk of readJsonlChunks(process.argv[1])) {
  for (let i = 0; i < chunk.length; i++) JSON.parse(chunk[i].line);
  lines += chunk.length;
}
console.log(JSON.stringify({ lines, seconds: (performance.now() - t0) / 1000 }));
`;

interface PassResult {
  baseline: ChildRun & { innerSeconds: number; lines: number };
  analyze: ChildRun & { eventsPerSecond: number; ratioToParse: number };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function endToEnd(log: ReturnType<typeof ensureLog>, runs: number): Promise<PassResult[]> {
  const out: PassResult[] = [];
  const reportPath = join(log.dir, 'bench-report.json');
  for (let round = 0; round < runs; round++) {
    const base = await runNode(['--input-type=module', '-e', PARSE_ONLY_SCRIPT, log.events]);
    const inner = JSON.parse(base.stdout.trim().split('\n').pop()!) as { lines: number; seconds: number };
    const run = await runNode([CLI, 'analyze', '--events', log.events, '--accounts', log.accounts, '--out', reportPath]);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { input: { events: number } };
    const events = report.input.events;
    out.push({
      baseline: { ...base, innerSeconds: inner.seconds, lines: inner.lines },
      analyze: { ...run, eventsPerSecond: events / run.wallSeconds, ratioToParse: run.wallSeconds / base.wallSeconds },
    });
    console.error(
      `analyze-bench: round ${round + 1}/${runs}: parse ${base.wallSeconds.toFixed(2)} s, analyze ${run.wallSeconds.toFixed(2)} s ` +
        `(${Math.round(events / run.wallSeconds).toLocaleString('en-US')} events/s), load ${os.loadavg()[0].toFixed(2)}`,
    );
  }
  return out;
}

// ------------------------------------------------------------------------------------- memory at scale

interface RssCheckpoint {
  events: number;
  accounts: number;
  rssMb: number;
  /** V8 heap in use plus array buffers after a full GC, MB */
  liveMb: number;
  elapsedSeconds: number;
}

interface ScaleResult {
  events: number;
  targetAccounts: number;
  accounts: number;
  rounds: number;
  checkpoints: RssCheckpoint[];
  peakRssMb: number;
  /** live heap + array buffers after GC, before the Detector existed */
  liveMbBefore: number;
  bytesPerAccount: number;
  eventsPerSecond: number;
  /** --max-old-space-size of the process (what analyze gives its engine thread for this many accounts) */
  heapLimitMb: number | null;
}

const gc = ((): (() => void) => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function memoryAtScale(log: ReturnType<typeof ensureLog>, s: Settings): Promise<ScaleResult> {
  const reader = (await import(pathToFileURL(join(DIST, 'events/reader.js')).href)) as typeof import('../src/events/reader.ts');
  const detectMod = (await import(pathToFileURL(join(DIST, 'detect/detector.js')).href)) as typeof import('../src/detect/detector.ts');

  const records = new Map<string, AccountRecordV1>();
  for await (const rec of reader.readAccounts(log.accounts)) records.set(rec.account_id, rec);
  // original account → index, and how far the log spans (each round starts after the previous one ends)
  const origIndex = new Map<string, number>();
  let firstMs = Infinity;
  let lastMs = -Infinity;
  let perRound = 0;
  for await (const chunk of reader.readEventChunks(log.events)) {
    for (const ev of chunk) {
      if (!origIndex.has(ev.account_id)) origIndex.set(ev.account_id, origIndex.size);
      const t = Date.parse(ev.ts);
      if (t < firstMs) firstMs = t;
      if (t > lastMs) lastMs = t;
    }
    perRound += chunk.length;
  }
  const rounds = Math.ceil(s.scaleEvents / perRound);
  // each original account is split into `split` bench accounts per round so that even a short run reaches all N
  const split = Math.max(1, Math.ceil(s.scaleAccounts / (origIndex.size * rounds)));
  const roundShiftMs = lastMs - firstMs + 60_000;
  const checkpointsAt = new Set([Math.min(1_000_000, s.scaleEvents), Math.round(s.scaleEvents / 2), s.scaleEvents]);

  const liveBefore = liveBytes();
  const detector = new detectMod.Detector();
  const benchIds: string[] = Array.from({ length: s.scaleAccounts }, (_, i) => `bench-${i}`);
  const seenAccount = new Uint8Array(s.scaleAccounts);
  const perOrigCount = new Uint32Array(origIndex.size);
  const checkpoints: RssCheckpoint[] = [];
  let fed = 0;
  let accounts = 0;
  let peakRssMb = 0;
  const t0 = performance.now();
  outer: for (let round = 0; round < rounds; round++) {
    for await (const chunk of reader.readEventChunks(log.events)) {
      for (const ev of chunk) {
        const o = origIndex.get(ev.account_id)!;
        const sub = perOrigCount[o]++ % split;
        const slot = ((o * rounds + round) * split + sub) % s.scaleAccounts;
        const accountId = benchIds[slot]!;
        if (seenAccount[slot] === 0) {
          seenAccount[slot] = 1;
          accounts++;
          const rec = records.get(ev.account_id);
          if (rec) detector.ingestAccount({ ...rec, account_id: accountId });
        }
        const shifted: LogEventV1 = {
          ...ev,
          account_id: accountId,
          ts: round === 0 ? ev.ts : new Date(Date.parse(ev.ts) + round * roundShiftMs).toISOString(),
        };
        detector.ingest(shifted);
        fed++;
        if (fed % 100_000 === 0) peakRssMb = Math.max(peakRssMb, process.memoryUsage.rss() / 2 ** 20);
        if (checkpointsAt.has(fed)) {
          const rssMb = process.memoryUsage.rss() / 2 ** 20;
          peakRssMb = Math.max(peakRssMb, rssMb);
          const cp = { events: fed, accounts, rssMb, liveMb: liveBytes() / 2 ** 20, elapsedSeconds: (performance.now() - t0) / 1000 };
          checkpoints.push(cp);
          console.error(
            `analyze-bench: scale: ${fed.toLocaleString('en-US')} events, ${accounts.toLocaleString('en-US')} accounts, ` +
              `RSS ${cp.rssMb.toFixed(0)} MB, live ${cp.liveMb.toFixed(0)} MB, ${cp.elapsedSeconds.toFixed(0)} s`,
          );
        }
        if (fed >= s.scaleEvents) break outer;
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const liveAfter = liveBytes();
  // keep the detector reachable until after the last measurement
  if (detector.events !== fed) throw new Error(`detector saw ${detector.events} events, fed ${fed}`);
  return {
    events: fed,
    targetAccounts: s.scaleAccounts,
    accounts,
    rounds,
    checkpoints,
    peakRssMb,
    liveMbBefore: liveBefore / 2 ** 20,
    bytesPerAccount: (liveAfter - liveBefore) / accounts,
    eventsPerSecond: fed / seconds,
    heapLimitMb: null,
  };
}

/** Runs (c) in a child process with analyze's engine heap bound for this many accounts. */
async function memoryAtScaleBounded(s: Settings): Promise<ScaleResult> {
  const engineThread = (await import(pathToFileURL(join(DIST, 'report/engine-thread.js')).href)) as typeof import('../src/report/engine-thread.ts');
  const limit = engineThread.engineHeapLimitMb(s.scaleAccounts);
  const outFile = join(os.tmpdir(), `analyze-bench-scale-${process.pid}.json`);
  const args = [
    ...process.execArgv,
    ...(limit === null ? [] : [`--max-old-space-size=${limit}`]),
    process.argv[1]!,
    `--scale-events=${s.scaleEvents}`,
    `--scale-accounts=${s.scaleAccounts}`,
    `--scale-child=${outFile}`,
  ];
  console.error(`analyze-bench: scale: child process with --max-old-space-size=${limit ?? 'default'}`);
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`the memory-at-scale child exited with ${r.status ?? r.signal}`);
  const result = JSON.parse(readFileSync(outFile, 'utf8')) as ScaleResult;
  rmSync(outFile, { force: true });
  return { ...result, heapLimitMb: limit };
}

// ------------------------------------------------------------------------------------------ reporting

interface AnalyzeBenchReport {
  startedAt: string;
  settings: Settings;
  machine: MachineInfo;
  loadAverageEnd: number[];
  log: { scenario: string; seed: number; path: string; bytes: number; events: number };
  passes: PassResult[];
  median: {
    parseSeconds: number;
    analyzeSeconds: number;
    eventsPerSecond: number;
    ratioToParse: number;
    parseCpuSeconds: number;
    analyzeCpuSeconds: number;
    parseBusiestThreadCpuSeconds: number;
    analyzeBusiestThreadCpuSeconds: number;
    analyzePeakRssMb: number;
  };
  scale: ScaleResult;
  goals: { goal: string; value: string; met: boolean }[];
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function renderMarkdown(r: AnalyzeBenchReport): string {
  const m = r.machine;
  const lines = [
    `### Analyze bench ${r.startedAt.slice(0, 16)}Z${r.settings.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.ramGb} GB RAM, Node ${m.node}, load average ${m.loadAverage1m} at start, ` +
      `${r.loadAverageEnd.map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min) at the end.`,
    `Log: \`simulate --scenario ${r.log.scenario} --seed ${r.log.seed}\`, ${fmt(r.log.events)} events, ${fmt(r.log.bytes / 1e6, 1)} MB.`,
    '',
    '| run | read + JSON.parse | analyze end to end | events/s | ratio | parse CPU | analyze CPU | events/CPU-s | CPU ratio | analyze busiest thread | thread ratio | analyze peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.passes.map(
      (p, i) =>
        `| ${i + 1} | ${fmt(p.baseline.wallSeconds, 2)} s | ${fmt(p.analyze.wallSeconds, 2)} s | ${fmt(p.analyze.eventsPerSecond)} | ` +
        `${fmt(p.analyze.ratioToParse, 2)}× | ${fmt(p.baseline.cpuSeconds, 2)} s | ${fmt(p.analyze.cpuSeconds, 2)} s | ` +
        `${fmt(r.log.events / p.analyze.cpuSeconds)} | ${fmt(p.analyze.cpuSeconds / p.baseline.cpuSeconds, 2)}× | ` +
        `${fmt(p.analyze.busiestThreadCpuSeconds, 2)} s | ${fmt(p.analyze.busiestThreadCpuSeconds / p.baseline.busiestThreadCpuSeconds, 2)}× | ${fmt(p.analyze.peakRssMb)} MB |`,
    ),
    `| **median** | ${fmt(r.median.parseSeconds, 2)} s | ${fmt(r.median.analyzeSeconds, 2)} s | ${fmt(r.median.eventsPerSecond)} | ` +
      `${fmt(r.median.ratioToParse, 2)}× | ${fmt(r.median.parseCpuSeconds, 2)} s | ${fmt(r.median.analyzeCpuSeconds, 2)} s | ` +
      `${fmt(r.log.events / r.median.analyzeCpuSeconds)} | ${fmt(r.median.analyzeCpuSeconds / r.median.parseCpuSeconds, 2)}× | ` +
      `${fmt(r.median.analyzeBusiestThreadCpuSeconds, 2)} s | ${fmt(r.median.analyzeBusiestThreadCpuSeconds / r.median.parseBusiestThreadCpuSeconds, 2)}× | ${fmt(r.median.analyzePeakRssMb)} MB |`,
    '',
    `Memory at scale: ${fmt(r.scale.events)} events over ${fmt(r.scale.accounts)} accounts (${r.scale.rounds} replays of the log), ` +
      `${fmt(r.scale.eventsPerSecond)} events/s through \`Detector.ingest\` in one thread of a process with ` +
      `--max-old-space-size=${r.scale.heapLimitMb ?? 'default'} (analyze's engine-thread bound for this many accounts).`,
    '',
    '| events | accounts | RSS | live heap + buffers (after GC) |',
    '|---:|---:|---:|---:|',
    ...r.scale.checkpoints.map((c) => `| ${fmt(c.events)} | ${fmt(c.accounts)} | ${fmt(c.rssMb)} MB | ${fmt(c.liveMb)} MB |`),
    '',
    `State per account: ${fmt(r.scale.bytesPerAccount)} bytes (live heap + array buffers after GC, minus ${fmt(r.scale.liveMbBefore)} MB ` +
      `before the Detector existed, over ${fmt(r.scale.accounts)} accounts). Peak RSS sampled: ${fmt(r.scale.peakRssMb)} MB.`,
    '',
    '| goal | value | met |',
    '|---|---|---|',
    ...r.goals.map((g) => `| ${g.goal} | ${g.value} | ${g.met ? 'yes' : '**no**'} |`),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings.scaleChild !== null) {
    writeFileSync(settings.scaleChild, JSON.stringify(await memoryAtScale(ensureLog(), settings)));
    return;
  }
  const startedAt = new Date();
  const machine = describeMachine();
  if (!existsSync(join(DIST, 'detect/detector.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
  const log = ensureLog();
  const passes = await endToEnd(log, settings.runs);
  const scale = await memoryAtScaleBounded(settings);

  const med = {
    parseSeconds: median(passes.map((p) => p.baseline.wallSeconds)),
    analyzeSeconds: median(passes.map((p) => p.analyze.wallSeconds)),
    eventsPerSecond: median(passes.map((p) => p.analyze.eventsPerSecond)),
    ratioToParse: median(passes.map((p) => p.analyze.ratioToParse)),
    parseCpuSeconds: median(passes.map((p) => p.baseline.cpuSeconds)),
    analyzeCpuSeconds: median(passes.map((p) => p.analyze.cpuSeconds)),
    parseBusiestThreadCpuSeconds: median(passes.map((p) => p.baseline.busiestThreadCpuSeconds)),
    analyzeBusiestThreadCpuSeconds: median(passes.map((p) => p.analyze.busiestThreadCpuSeconds)),
    analyzePeakRssMb: median(passes.map((p) => p.analyze.peakRssMb)),
  };
  const last = scale.checkpoints[scale.checkpoints.length - 1]!;
  const report: AnalyzeBenchReport = {
    startedAt: startedAt.toISOString(),
    settings,
    machine,
    loadAverageEnd: os.loadavg(),
    log: { scenario: SCENARIO.name, seed: SCENARIO.seed, path: log.events, bytes: log.bytes, events: passes[0]!.baseline.lines },
    passes,
    median: med,
    scale,
    goals: [
      { goal: `analyze ≥ ${fmt(GOALS.minEventsPerSecond)} events/s end to end`, value: fmt(med.eventsPerSecond), met: med.eventsPerSecond >= GOALS.minEventsPerSecond },
      { goal: `analyze ≤ ${GOALS.maxRatioToParse}× read + JSON.parse`, value: `${fmt(med.ratioToParse, 2)}×`, met: med.ratioToParse <= GOALS.maxRatioToParse },
      {
        goal: `RSS < ${fmt(GOALS.maxRssMbAtScale)} MB at ${fmt(scale.events)} events over ${fmt(scale.accounts)} accounts`,
        value: `${fmt(Math.max(scale.peakRssMb, last.rssMb))} MB`,
        met: Math.max(scale.peakRssMb, last.rssMb) < GOALS.maxRssMbAtScale,
      },
    ],
  };

  const stamp = startedAt.toISOString().slice(0, 16).replace(':', '') + 'Z';
  const resultsDir = join(REPO_ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const outFile = join(resultsDir, `analyze-${stamp}${settings.quick ? '-quick' : ''}.json`);
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${renderMarkdown(report)}\n\nresults: ${relative(REPO_ROOT, outFile)}\n`);
  if (report.goals.some((g) => !g.met)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`analyze-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
