import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseAccountLine, parseEventLine } from '../../src/events/parse.ts';
import { ATTACKS } from '../../src/sim/attacks/index.ts';
import { PERSONAS } from '../../src/sim/personas/index.ts';
import { simulate, type Labels } from '../../src/sim/simulate.ts';
import { writeSimulation } from '../../src/sim/writer.ts';

const root = mkdtempSync(join(tmpdir(), 'dg-sim-'));
after(() => rmSync(root, { recursive: true, force: true }));

function run(name: string, opts: Parameters<typeof simulate>[0]) {
  const dir = join(root, name);
  writeSimulation(dir, simulate(opts));
  return {
    dir,
    events: readFileSync(join(dir, 'events.jsonl'), 'utf8'),
    accounts: readFileSync(join(dir, 'accounts.jsonl'), 'utf8'),
    labels: readFileSync(join(dir, 'labels.json'), 'utf8'),
  };
}

const small = run('small-a', { scenario: 'small', seed: 11, dataDir: null });
const labels = JSON.parse(small.labels) as Labels;
// Half a day keeps the extra determinism runs quick; the code path is the same as for a full run.
const first = run('half-a', { scenario: 'small', seed: 11, days: 0.5, dataDir: null });
const eventLines = small.events.trimEnd().split('\n');
const accountLines = small.accounts.trimEnd().split('\n');

test('the same scenario, seed, scale and days give byte-identical files', () => {
  const again = run('half-b', { scenario: 'small', seed: 11, days: 0.5, dataDir: null });
  assert.ok(first.events.length > 100_000);
  assert.equal(again.events, first.events);
  assert.equal(again.accounts, first.accounts);
  assert.equal(again.labels, first.labels);
});

test('a different seed gives different traffic', () => {
  const other = run('half-d', { scenario: 'small', seed: 12, days: 0.5, dataDir: null });
  assert.notEqual(other.events, first.events);
  assert.notDeepEqual(Object.keys(JSON.parse(other.labels).accounts).sort(), Object.keys(JSON.parse(first.labels).accounts).sort());
});

test('every event line and account line validates against log format v1', () => {
  for (let i = 0; i < eventLines.length; i++) {
    const r = parseEventLine(eventLines[i]);
    assert.ok(r.ok, `events.jsonl:${i + 1}: ${r.ok ? '' : r.message}`);
  }
  for (let i = 0; i < accountLines.length; i++) {
    const r = parseAccountLine(accountLines[i]);
    assert.ok(r.ok, `accounts.jsonl:${i + 1}: ${r.ok ? '' : r.message}`);
  }
});

test('small generates within its size bounds', () => {
  const accounts = Object.keys(labels.accounts).length;
  assert.ok(accounts >= 250 && accounts <= 400, `accounts ${accounts}`);
  assert.ok(eventLines.length >= 12_000 && eventLines.length <= 30_000, `events ${eventLines.length}`);
  assert.equal(accountLines.length, accounts);
});

test('events are in time order up to 2 s of disorder, after each account was created, with unique request ids', () => {
  const created = new Map<string, number>();
  for (const l of accountLines) {
    const a = JSON.parse(l) as { account_id: string; created_at: string };
    created.set(a.account_id, Date.parse(a.created_at));
  }
  const ids = new Set<string>();
  let latest = 0;
  const start = Date.parse('2026-10-01T00:00:00Z');
  const end = start + labels.days * 86_400_000;
  for (const l of eventLines) {
    const e = JSON.parse(l) as { ts: string; request_id: string; account_id: string };
    const t = Date.parse(e.ts);
    assert.ok(t >= latest - 2000, `disorder over 2 s at ${e.ts}`);
    latest = Math.max(latest, t);
    assert.ok(t >= start && t < end, `ts ${e.ts} outside the run`);
    assert.ok(t >= (created.get(e.account_id) ?? Infinity), `request before sign-up: ${e.account_id}`);
    assert.ok(!ids.has(e.request_id), `duplicate request id ${e.request_id}`);
    ids.add(e.request_id);
  }
});

test('labels cover every account in the events and every campaign they name', () => {
  for (const l of eventLines) {
    const id = (JSON.parse(l) as { account_id: string }).account_id;
    assert.ok(labels.accounts[id], `no label for ${id}`);
  }
  for (const [id, label] of Object.entries(labels.accounts)) {
    if (label.class === 'benign') assert.equal(label.campaign_id, null, id);
    else {
      assert.ok(label.campaign_id && labels.campaigns[label.campaign_id], `${id} names missing campaign ${label.campaign_id}`);
      assert.equal(labels.campaigns[label.campaign_id].kind, label.class);
      assert.equal(labels.campaigns[label.campaign_id].attack, label.persona);
    }
  }
  assert.equal(labels.version, 1);
  assert.equal(labels.scenario, 'small');
  assert.equal(labels.seed, 11);
  assert.equal(labels.scale, 1);
  assert.equal(labels.days, 2);
});

test('nobody asks for the new model before its release', () => {
  const release = labels.releases[0];
  const at = Date.parse(release.released_at);
  let after = 0;
  for (const l of eventLines) {
    const e = JSON.parse(l) as { ts: string; model: string };
    if (e.model !== release.model) continue;
    assert.ok(Date.parse(e.ts) >= at, `${e.ts} before ${release.released_at}`);
    after++;
  }
  assert.ok(after > 0);
});

test('every account stays under its tier\'s per-account requests-per-minute limit', () => {
  const rpm: Record<string, number> = { none: 120, email: 300, phone: 1000, id: 4000, org: 10_000 };
  const tier = new Map<string, string>();
  for (const l of accountLines) {
    const a = JSON.parse(l) as { account_id: string; verification: string };
    tier.set(a.account_id, a.verification);
  }
  const recent = new Map<string, number[]>();
  for (const l of eventLines) {
    const e = JSON.parse(l) as { ts: string; account_id: string };
    const t = Date.parse(e.ts);
    const window = (recent.get(e.account_id) ?? []).filter((x) => x > t - 60_000);
    window.push(t);
    recent.set(e.account_id, window);
    assert.ok(window.length <= rpm[tier.get(e.account_id) ?? 'none'], `${e.account_id} over its limit at ${e.ts}`);
  }
});

test('small sends traffic from every persona and every attack', () => {
  const active = new Set<string>();
  for (const l of eventLines) active.add(labels.accounts[(JSON.parse(l) as { account_id: string }).account_id].persona);
  for (const name of [...Object.keys(PERSONAS), ...Object.keys(ATTACKS)]) assert.ok(active.has(name), `${name} sent nothing`);
});

test('mixed at scale 1 has every persona and attack, ~1,500 accounts and exact classes', () => {
  const mixed = simulate({ scenario: 'mixed', dataDir: null }).labels;
  const accounts = Object.values(mixed.accounts);
  assert.ok(accounts.length >= 1300 && accounts.length <= 1800, `accounts ${accounts.length}`);
  const personas = new Set(accounts.map((a) => a.persona));
  for (const name of [...Object.keys(PERSONAS), ...Object.keys(ATTACKS)]) assert.ok(personas.has(name), `${name} missing from mixed`);
  const classes = new Set(accounts.map((a) => a.class));
  assert.deepEqual([...classes].sort(), ['benign', 'distillation', 'extraction', 'jailbreak']);
  assert.deepEqual(mixed.releases.map((r) => r.model), ['frontier-large-2']);
  assert.equal(mixed.releases[0].released_at, '2026-10-03T17:00:00.000Z');
});

test('scale multiplies the accounts', () => {
  const half = Object.keys(simulate({ scenario: 'small', scale: 0.5, dataDir: null }).labels.accounts).length;
  const double = Object.keys(simulate({ scenario: 'small', scale: 2, dataDir: null }).labels.accounts).length;
  const one = Object.keys(labels.accounts).length;
  assert.ok(half < one * 0.7 && double > one * 1.7, `${half} / ${one} / ${double}`);
});

test('the event stream refuses a second pass instead of yielding nothing', () => {
  const result = simulate({ scenario: 'small', days: 0.1, dataDir: null });
  let n = 0;
  for (const _ of result.events) n++;
  assert.ok(n > 0);
  assert.throws(() => {
    for (const _ of result.events) n++;
  }, /read once/);
});

test('bad options are refused with a configuration error', () => {
  assert.throws(() => simulate({ scenario: 'nope' }), { code: 'DG_ERR_CONFIG_INVALID' });
  assert.throws(() => simulate({ scenario: 'small', scale: 0 }), { code: 'DG_ERR_CONFIG_INVALID' });
  assert.throws(() => simulate({ scenario: 'small', seed: -1 }), { code: 'DG_ERR_CONFIG_INVALID' });
  assert.throws(() => simulate({ scenario: 'small', days: 0 }), { code: 'DG_ERR_CONFIG_INVALID' });
});
