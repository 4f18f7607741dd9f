// `distillguard analyze` and `distillguard eval` run as a user runs them: the CLI in its own process.
import { describe, test as plainTest } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { validateReport } from '../../src/report/report-v1.ts';

const CLI = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/analyze/', import.meta.url));
const EVENTS = join(FIXTURES, 'events.jsonl');
const ACCOUNTS = join(FIXTURES, 'accounts.jsonl');
/** the fixture's one bad line: client.ip missing */
const BAD_LINE = 31;

/** Runs the CLI in a child process (asynchronously, so the tests below run side by side), `input` on its stdin. */
function run(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      // a child killed by a signal (or refused by execFile) leaves no exit code: say so in stderr
      const note = err !== null && typeof err.code !== 'number' ? `\n[child ended without an exit code: signal ${err.signal ?? 'none'}, ${err.message}]` : '';
      resolve({ code, stdout, stderr: stderr + note });
    });
    child.stdin!.end(input);
  });
}

// each test starts its own CLI process; starting them concurrently keeps the file quick
const cases: [string, () => Promise<void>][] = [];
const test = (name: string, fn: () => Promise<void>) => void cases.push([name, fn]);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dg-analyze-'));
}

test('analyze counts a bad line, goes on, and reports every account once', async () => {
  const dir = tempDir();
  const out = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  const r = await run(['analyze', '--events', EVENTS, '--accounts', ACCOUNTS, '--out', out, '--html', html]);
  assert.equal(r.code, 0, r.stderr);
  const report = validateReport(JSON.parse(readFileSync(out, 'utf8')));
  assert.equal(report.input.events, 160);
  assert.equal(report.input.rejected, 1);
  assert.deepEqual(report.input.rejected_examples[0], { file: 'events', line: BAD_LINE, field: 'client.ip', message: 'client.ip: expected an IPv4 or IPv6 address' });
  assert.equal(report.input.account_records, 3);
  assert.deepEqual(report.accounts.map((a) => a.account_id).sort(), ['acct_<script>alert(1)</script>', 'acct_casual', 'acct_probe']);
  const byId = new Map(report.accounts.map((a) => [a.account_id, a]));
  assert.equal(byId.get('acct_casual')!.verdict, 'benign');
  // the logprob / logit_bias / max_tokens 1 prober is flagged, with the time it was flagged
  assert.equal(byId.get('acct_probe')!.verdict, 'extraction');
  assert.ok(byId.get('acct_probe')!.first_flagged_at! > '2026-10-01T00:10:00.000Z');
  const page = readFileSync(html, 'utf8');
  assert.ok(page.includes('acct_&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.equal(page.includes('acct_<script>'), false);
  assert.match(r.stderr, /rejected events line 31 \(client\.ip\)/);
  assert.equal(report.input.accounts_without_record, undefined, 'every account has its record');
  assert.doesNotMatch(r.stderr, /no record/);
});

test('analyze counts the accounts no record describes, on either thread count, and says what that costs', async () => {
  const dir = tempDir();
  const partial = join(dir, 'partial.jsonl');
  writeFileSync(partial, readFileSync(ACCOUNTS, 'utf8').split('\n')[0] + '\n');
  for (const threads of ['1', '2']) {
    for (const [accounts, expected, said] of [[null, 3, /all 3 accounts have no record \(no --accounts\): their verification tier and age are unknown/], [partial, 2, /2 of 3 accounts have no record in .+partial\.jsonl/]] as const) {
      const out = join(dir, `r-${threads}-${expected}.json`);
      const r = await run(['analyze', '--events', EVENTS, ...(accounts ? ['--accounts', accounts] : []), '--threads', threads, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(validateReport(JSON.parse(readFileSync(out, 'utf8'))).input.accounts_without_record, expected, `threads ${threads}`);
      assert.match(r.stderr, said);
      assert.match(r.stderr, /accounts export/);
    }
  }
});

test('analyze --strict stops at the first bad line, naming the line and the field', async () => {
  const dir = tempDir();
  const out = join(dir, 'report.json');
  const r = await run(['analyze', '--events', EVENTS, '--out', out, '--strict']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`line ${BAD_LINE}, field client\\.ip`));
});

test('analyze reads .jsonl.gz the same as .jsonl', async () => {
  const dir = tempDir();
  const gz = join(dir, 'events.jsonl.gz');
  writeFileSync(gz, gzipSync(readFileSync(EVENTS)));
  const plain = await run(['analyze', '--events', EVENTS, '--accounts', ACCOUNTS, '--out', join(dir, 'plain.json')]);
  const zipped = await run(['analyze', '--events', gz, '--accounts', ACCOUNTS, '--out', join(dir, 'zipped.json')]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(zipped.code, 0, zipped.stderr);
  const a = JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'zipped.json'), 'utf8'));
  assert.deepEqual(b.accounts, a.accounts);
  assert.deepEqual(b.input, a.input);
});

test('analyze reads a folder of rotated logs oldest first, as the one log they were cut from, naming the file of a bad line', async () => {
  const dir = tempDir();
  const logs = join(dir, 'events');
  mkdirSync(logs);
  const lines = readFileSync(EVENTS, 'utf8').split('\n').filter((l) => l !== '');
  // the gateway's names (events/jsonl-sink.ts): -10 comes after -2, which a sort by name would not give
  writeFileSync(join(logs, 'events-20261001T000000000Z.jsonl'), lines.slice(0, 20).join('\n') + '\n');
  writeFileSync(join(logs, 'events-20261001T000000000Z-2.jsonl'), lines.slice(20, 60).join('\n') + '\n');
  writeFileSync(join(logs, 'events-20261001T000000000Z-10.jsonl.gz'), gzipSync(lines.slice(60).join('\n') + '\n'));
  writeFileSync(join(logs, 'notes.txt'), 'not a log\n');
  const whole = await run(['analyze', '--events', EVENTS, '--accounts', ACCOUNTS, '--out', join(dir, 'whole.json')]);
  const rotated = await run(['analyze', '--events', logs, '--accounts', ACCOUNTS, '--out', join(dir, 'rotated.json')]);
  assert.equal(whole.code, 0, whole.stderr);
  assert.equal(rotated.code, 0, rotated.stderr);
  const a = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8'));
  const b = validateReport(JSON.parse(readFileSync(join(dir, 'rotated.json'), 'utf8')));
  assert.deepEqual(b.accounts, a.accounts);
  assert.deepEqual(b.campaigns, a.campaigns);
  // the fixture's bad line 31 is line 11 of the second file
  const second = join(logs, 'events-20261001T000000000Z-2.jsonl');
  assert.deepEqual(b.input.rejected_examples, [{ file: 'events', line: BAD_LINE - 20, field: 'client.ip', message: 'client.ip: expected an IPv4 or IPv6 address', path: second }]);
  assert.ok(rotated.stderr.includes(`rejected ${second} line 11 (client.ip)`), rotated.stderr);
  const strict = await run(['analyze', '--events', logs, '--out', join(dir, 'strict.json'), '--strict']);
  assert.equal(strict.code, 1);
  assert.ok(strict.stderr.includes(`stopped (--strict) at ${second} line 11, field client.ip`), strict.stderr);
});

test('analyze reads several --events files in the order given, and counts the events that come hours late', async () => {
  const dir = tempDir();
  const lines = readFileSync(EVENTS, 'utf8').split('\n').filter((l) => l !== '');
  const [first, second] = [join(dir, 'day1.jsonl'), join(dir, 'day2.jsonl')];
  writeFileSync(first, lines.slice(0, 80).join('\n') + '\n');
  writeFileSync(second, lines.slice(80).join('\n') + '\n');
  const whole = await run(['analyze', '--events', EVENTS, '--out', join(dir, 'whole.json')]);
  const both = await run(['analyze', '--events', first, second, '--out', join(dir, 'both.json')]);
  assert.equal(whole.code, 0, whole.stderr);
  assert.equal(both.code, 0, both.stderr);
  const a = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'both.json'), 'utf8'));
  assert.deepEqual(b.accounts, a.accounts);
  assert.equal(b.input.rejected_examples[0].path, first);
  assert.equal(b.input.late_events, undefined);
  // newest first: the first file's 79 valid events (00:05-00:48) come after the second's (up to 19:31)
  const reversed = await run(['analyze', '--events', second, first, '--out', join(dir, 'reversed.json')]);
  assert.equal(reversed.code, 0, reversed.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'reversed.json'), 'utf8')).input.late_events, 79);
  assert.match(reversed.stderr, /79 events came more than an hour before events read ahead of them: are the --events files in time order/);
});

test('analyze --events - reads standard input as it reads a file, and names it in a --strict stop', async () => {
  const dir = tempDir();
  const log = readFileSync(EVENTS, 'utf8');
  const file = await run(['analyze', '--events', EVENTS, '--out', join(dir, 'file.json')]);
  const piped = await run(['analyze', '--events', '-', '--out', join(dir, 'piped.json')], log);
  assert.equal(file.code, 0, file.stderr);
  assert.equal(piped.code, 0, piped.stderr);
  const a = JSON.parse(readFileSync(join(dir, 'file.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'piped.json'), 'utf8'));
  assert.deepEqual(b.accounts, a.accounts);
  assert.deepEqual(b.input, a.input);
  const strict = await run(['analyze', '--events', '-', '--out', join(dir, 'strict.json'), '--strict'], log);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, new RegExp(`stopped \\(--strict\\) at standard input line ${BAD_LINE}, field client\\.ip`));
});

test('analyze --state runs log after log: the last report equals one run over the whole log, on two threads and one', async () => {
  const dir = tempDir();
  const lines = readFileSync(EVENTS, 'utf8').split('\n').filter((l) => l !== '');
  const [first, second] = [join(dir, 'day1.jsonl'), join(dir, 'day2.jsonl')];
  writeFileSync(first, lines.slice(0, 70).join('\n') + '\n');
  writeFileSync(second, lines.slice(70).join('\n') + '\n');
  const whole = await run(['analyze', '--events', EVENTS, '--accounts', ACCOUNTS, '--out', join(dir, 'whole.json')]);
  assert.equal(whole.code, 0, whole.stderr);
  const expected = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8'));
  for (const threads of ['2', '1']) {
    const state = join(dir, `state-${threads}.jsonl`);
    for (const [i, log] of [first, second].entries()) {
      const r = await run(['analyze', '--events', log, '--accounts', ACCOUNTS, '--state', state, '--threads', threads, '--out', join(dir, `run-${threads}-${i}.json`)]);
      assert.equal(r.code, 0, r.stderr);
      if (i === 1) assert.match(r.stderr, new RegExp(`^analyzed ${lines.length - 70} events \\(the state now holds 3 accounts\\)`));
    }
    const last = validateReport(JSON.parse(readFileSync(join(dir, `run-${threads}-1.json`), 'utf8')));
    assert.deepEqual(last.accounts, expected.accounts, `threads ${threads}`);
    assert.deepEqual(last.campaigns, expected.campaigns, `threads ${threads}`);
    assert.equal(last.input.events, lines.length - 70, 'events counts this run only');
  }
  assert.equal(readFileSync(join(dir, 'state-1.jsonl'), 'utf8'), readFileSync(join(dir, 'state-2.jsonl'), 'utf8'));
  // the second log fed into the state again: its events more than an hour before the state's latest are late
  const times = lines.slice(70).map((l) => Date.parse(JSON.parse(l).ts as string));
  const lateExpected = times.filter((t) => Math.max(...times) - t > 3_600_000).length;
  assert.ok(lateExpected > 50);
  for (const threads of ['2', '1']) {
    const again = await run(['analyze', '--events', second, '--state', join(dir, `state-${threads}.jsonl`), '--threads', threads, '--out', join(dir, `again-${threads}.json`)]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(readFileSync(join(dir, `again-${threads}.json`), 'utf8')).input.late_events, lateExpected, `threads ${threads}`);
  }
  const foreign = join(dir, 'foreign.jsonl');
  writeFileSync(foreign, '{"v":7}\n');
  const bad = await run(['analyze', '--events', second, '--state', foreign, '--out', join(dir, 'bad.json')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--state .+foreign\.jsonl: .+not a state this version of analyze wrote/);
  // valid JSON lines that are not the parts of a state: named by line, no stack trace
  for (const [name, text, lineNo] of [['no-array', '{"v":7}\n{"field":"accounts","items":[1]}\n', 2], ['null-head', 'null\n{"field":"accounts","items":[]}\n', 2]] as const) {
    const path = join(dir, `${name}.jsonl`);
    writeFileSync(path, text);
    const r = await run(['analyze', '--events', second, '--state', path, '--out', join(dir, `${name}.json`)]);
    assert.equal(r.code, 1, name);
    assert.match(r.stderr, new RegExp(`--state .+${name}\\.jsonl line ${lineNo}: not a part of a state`), name);
    assert.doesNotMatch(r.stderr, /\n\s+at /, name);
  }
});

test('analyze applies the detector section of --config and rejects an invalid one', async () => {
  const dir = tempDir();
  const strictCfg = join(dir, 'strict.yaml');
  // nothing reaches a risk of 1.0, so with this threshold nothing is flagged
  writeFileSync(strictCfg, 'detector:\n  thresholds:\n    suspicious: 1\n    flagged: 1\n    campaign: 1\n');
  const r = await run(['analyze', '--events', EVENTS, '--out', join(dir, 'r.json'), '--config', strictCfg]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
  assert.equal(report.accounts.filter((a: { first_flagged_at: string | null }) => a.first_flagged_at !== null).length, 0);
  const badCfg = join(dir, 'bad.yaml');
  writeFileSync(badCfg, 'detector:\n  thresholds:\n    flagged: 2\n');
  const bad = await run(['analyze', '--events', EVENTS, '--out', join(dir, 'r2.json'), '--config', badCfg]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /thresholds/);
});

test('eval on files scores the run against labels.json and writes eval.json and eval.html', async () => {
  const dir = tempDir();
  const r = await run(['eval', '--events', EVENTS, '--accounts', ACCOUNTS, '--labels', join(FIXTURES, 'labels.json'), '--out', dir]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'));
  assert.equal(doc.events, 160);
  assert.equal(doc.metrics.classes.extraction.recall, 1);
  assert.equal(doc.metrics.benign_fpr.value, 0);
  // started 00:10, first member flagged at 00:12
  assert.ok(Math.abs(doc.metrics.time_to_detect.per_campaign[0].hours_to_detect - 2 / 60) < 1e-9);
  // both probers send 10 unflagged requests each (from 00:10 until flagged at 00:12) of 60
  assert.ok(doc.metrics.served_before_flagged.value > 0 && doc.metrics.served_before_flagged.value < 0.5);
  assert.match(r.stdout, /attack-account recall\s+100\.0%/);
  const html = readFileSync(join(dir, 'eval.html'), 'utf8');
  assert.ok(html.includes('Time to detect'));
});

test('eval --events reads a folder of the gateway\'s rotated logs as analyze does, with the same scores as the whole file', async () => {
  const dir = tempDir();
  const logs = join(dir, 'events');
  mkdirSync(logs);
  const lines = readFileSync(EVENTS, 'utf8').split('\n').filter((l) => l !== '');
  // named as the gateway rotates them: a plain sort by name would read -10 before -2
  const pieces = [lines.slice(0, 40), lines.slice(40, 100), lines.slice(100)];
  pieces.forEach((piece, i) => writeFileSync(join(logs, `events-20261001T000000000Z${i === 0 ? '' : `-${[2, 10][i - 1]}`}.jsonl`), piece.join('\n') + '\n'));
  const labels = join(FIXTURES, 'labels.json');
  const [whole, folder] = await Promise.all([
    run(['eval', '--events', EVENTS, '--accounts', ACCOUNTS, '--labels', labels, '--out', join(dir, 'whole')]),
    run(['eval', '--events', logs, '--accounts', ACCOUNTS, '--labels', labels, '--out', join(dir, 'folder')]),
  ]);
  assert.equal(whole.code, 0, whole.stderr);
  assert.equal(folder.code, 0, folder.stderr);
  const metrics = (name: string) => JSON.parse(readFileSync(join(dir, name, 'eval.json'), 'utf8')).metrics;
  assert.deepEqual(metrics('folder'), metrics('whole'));
  assert.doesNotMatch(whole.stderr, /no record/);
  // a gateway's log scored without its accounts: said, as analyze says it
  const bare = await run(['eval', '--events', logs, '--labels', labels, '--out', join(dir, 'bare')]);
  assert.equal(bare.code, 0, bare.stderr);
  assert.match(bare.stderr, /^eval: all 3 accounts have no record \(no --accounts\): their verification tier and age are unknown/m);
});

test('eval stops on labels of another run, and names the accounts a partial labels file leaves out', async () => {
  const dir = tempDir();
  const labels = JSON.parse(readFileSync(join(FIXTURES, 'labels.json'), 'utf8'));
  const foreign = join(dir, 'foreign.json');
  writeFileSync(foreign, JSON.stringify({ ...labels, accounts: { acct_elsewhere: labels.accounts.acct_casual }, campaigns: {} }));
  const none = await run(['eval', '--events', EVENTS, '--labels', foreign, '--out', join(dir, 'none')]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /--labels .+foreign\.json labels none of the 3 accounts in the events/);
  assert.equal(existsSync(join(dir, 'none', 'eval.json')), false);

  const partial = join(dir, 'partial.json');
  const { acct_casual, acct_probe } = labels.accounts;
  writeFileSync(partial, JSON.stringify({ ...labels, accounts: { acct_casual, acct_probe } }));
  const some = await run(['eval', '--events', EVENTS, '--labels', partial, '--out', join(dir, 'some')]);
  assert.equal(some.code, 0, some.stderr);
  assert.match(some.stderr, /1 of 3 accounts in the events have no label in .+partial\.json and are left out of the scores/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'some', 'eval.json'), 'utf8')).metrics.accounts.unlabelled_in_results, 1);
});

test('eval --scenario simulates in memory and scores the run', async () => {
  const dir = tempDir();
  const r = await run(['eval', '--scenario', 'small', '--seed', '3', '--scale', '0.1', '--days', '0.25', '--out', dir]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'));
  assert.deepEqual(doc.source, { scenario: 'small', seed: 3, scale: 0.1, days: 0.25 });
  assert.ok(doc.events > 0);
  assert.ok(doc.metrics.accounts.evaluated > 0);
  assert.match(r.stdout, /benign false-positive rate/);
});

test('eval --scenario with --seeds runs every scenario and seed and pools them, each run listed', async () => {
  const dir = tempDir();
  const r = await run(['eval', '--scenario', 'small', '--seeds', '3-4', '--scale', '0.1', '--days', '0.25', '--out', dir]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'));
  assert.deepEqual(doc.runs.map((x: { label: string }) => x.label), ['small:3', 'small:4']);
  assert.deepEqual(doc.runs.map((x: { source: { seed: number } }) => x.source.seed), [3, 4]);
  assert.equal(doc.events, doc.runs[0].events + doc.runs[1].events);
  const sum = (f: (m: { benign_fpr: { denominator: number }; served_before_flagged: { denominator: number } }) => number) => doc.runs.reduce((n: number, x: { metrics: never }) => n + f(x.metrics), 0);
  assert.equal(doc.metrics.benign_fpr.denominator, sum((m) => m.benign_fpr.denominator));
  assert.equal(doc.metrics.served_before_flagged.denominator, sum((m) => m.served_before_flagged.denominator));
  assert.equal(doc.runs_meeting_targets.benign_fpr_max.runs, 2);
  assert.match(r.stdout, /small:3 .*\n.*small:4/);
  assert.match(r.stdout, /value \(pooled\)/);
  assert.match(r.stdout, /in 2 runs, pooled/);
  const html = readFileSync(join(dir, 'eval.html'), 'utf8');
  assert.ok(html.includes('2 runs pooled') && html.includes('small:4'));

  const bad = await run(['eval', '--scenario', 'small', '--seeds', '4-2', '--out', dir]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--seeds: "4-2": a range goes from the smaller seed to the larger/);
});

test('eval without a scenario or files explains what it needs', async () => {
  const r = await run(['eval', '--out', tempDir()]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--scenario NAME, or --events FILE and --labels FILE/);
});

test('analyze makes the folders of --out and --html, and says summary counts in the singular when there is one', async () => {
  const dir = tempDir();
  const out = join(dir, 'reports', 'nov', 'report.json');
  const html = join(dir, 'pages', 'report.html');
  const r = await run(['analyze', '--events', EVENTS, '--accounts', ACCOUNTS, '--out', out, '--html', html]);
  assert.equal(r.code, 0, r.stderr);
  validateReport(JSON.parse(readFileSync(out, 'utf8')));
  assert.ok(existsSync(html));
  assert.match(r.stderr, /; 1 line rejected/);
});

test('analyze and eval name the flag when a path is a folder, a file or missing, before any work', async () => {
  const dir = tempDir();
  const file = join(dir, 'plain.txt');
  writeFileSync(file, 'not a folder\n');
  const cases: [string[], RegExp][] = [
    [['analyze', '--events', dir, '--out', join(dir, 'r.json')], /--events .+ is a folder without \.jsonl or \.jsonl\.gz files/],
    [['analyze', '--events', join(dir, 'none.jsonl'), '--out', join(dir, 'r.json')], /--events .+none\.jsonl: no such file or folder/],
    [['analyze', '--events', EVENTS, '--accounts', dir, '--out', join(dir, 'r.json')], /--accounts .+ is a folder/],
    [['analyze', '--events', EVENTS, '--out', dir], /--out .+ is a folder; give a file name/],
    [['analyze', '--events', EVENTS, '--out', join(file, 'r.json')], /--out: cannot make the folder .+plain\.txt is a file/],
    [['analyze', '--events', EVENTS, '--out', join(dir, 'r.json'), '--html', dir], /--html .+ is a folder/],
    [['eval', '--events', EVENTS, '--labels', dir, '--out', join(dir, 'eval')], /--labels .+ is a folder/],
    [['eval', '--scenario', 'small', '--out', file], /--out .+plain\.txt is a file; give a folder/],
    [['simulate', '--scenario', 'small', '--out', file], /--out .+plain\.txt is a file; give a folder/],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 1, `${cases[i]![0].join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, cases[i]![1]);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
  assert.equal(existsSync(join(dir, 'r.json')), false, 'nothing written');
});

describe('analyze and eval commands', { concurrency: 4 }, () => {
  for (const [name, fn] of cases) plainTest(name, fn);
});
