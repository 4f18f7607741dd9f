import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Command, CommanderError } from 'commander';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register as registerAccounts } from '../../src/cli/accounts.ts';
import type { CliIo } from '../../src/cli/data-dir.ts';
import { parseAccountLine } from '../../src/events/parse.ts';
import { register as registerKeys } from '../../src/cli/keys.ts';
import { IdentityCache } from '../../src/identity/identity-cache.ts';
import { IDENTITY_DB_FILE, IdentityStore } from '../../src/identity/identity-store.ts';
import { loadKeyPepper } from '../../src/identity/secrets.ts';
import { openDatabase } from '../../src/store/sqlite.ts';

const CLI = join(import.meta.dirname, 'cli-entry.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `distillguard <args> --data-dir <dir>` in its own process (a few of these: each costs a Node start). */
function spawnCli(dataDir: string, ...args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.DISTILLGUARD_KEY_PEPPER;
  delete env.DISTILLGUARD_ADMIN_TOKEN;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args, '--data-dir', dataDir], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs the same commands in this process, with their output captured instead of written. */
async function cli(dataDir: string, ...args: string[]): Promise<Run> {
  const run: Run = { code: 0, stdout: '', stderr: '' };
  const io: CliIo = {
    out: (text) => void (run.stdout += text),
    err: (text) => void (run.stderr += text),
    setExitCode: (code) => void (run.code = code),
  };
  const program = new Command().exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerAccounts(program, io);
  registerKeys(program, io);
  try {
    await program.parseAsync([...args, '--data-dir', dataDir], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    run.code = err.exitCode;
  }
  return run;
}

function tempDataDir(t: { after(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'dg-cli-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return join(root, 'data');
}

/** What a gateway on the same data dir would see. */
function gatewayView(t: { after(fn: () => void): void }, dataDir: string): { store: IdentityStore; cache: IdentityCache } {
  const db = openDatabase(join(dataDir, IDENTITY_DB_FILE));
  t.after(() => db.close());
  const store = new IdentityStore(db, loadKeyPepper(dataDir));
  const cache = new IdentityCache(store);
  cache.reload();
  return { store, cache };
}

function ok(run: Run): Run {
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
  return run;
}

test('as its own process: the last stdout line of keys create is a secret the gateway accepts, until keys revoke', async (t) => {
  const dir = tempDataDir(t);
  ok(await spawnCli(dir, 'accounts', 'create', '--id', 'acct_1', '--org', 'org_a', '--tier', 'email'));
  const created = ok(await spawnCli(dir, 'keys', 'create', '--account', 'acct_1'));
  const secret = created.stdout.trimEnd().split('\n').at(-1)!;
  assert.match(secret, /^dg-key_[0-9a-f]{12}-[A-Za-z0-9_-]{43}$/);

  const { cache } = gatewayView(t, dir);
  const auth = cache.authenticate(secret);
  assert.ok(auth.ok, 'the printed secret authenticates');
  assert.deepEqual({ ...auth.principal, keyId: null }, { keyId: null, accountId: 'acct_1', orgId: 'org_a', tier: 'email', groupId: null, status: 'active' });

  ok(await spawnCli(dir, 'keys', 'revoke', '--id', auth.principal.keyId));
  cache.reload();
  assert.deepEqual(cache.authenticate(secret), { ok: false, reason: 'revoked' });
});

test('as its own process: a user error prints one line naming the field and exits 1, without a stack trace', async (t) => {
  const dir = tempDataDir(t);
  const run = await spawnCli(dir, 'accounts', 'create', '--id', 'b', '--tier', 'gold');
  assert.equal(run.code, 1);
  assert.equal(run.stderr, "distillguard accounts create: tier must be one of none, email, phone, id, org; got 'gold' (--tier)\n");
  assert.equal(run.stdout, '');
});

test('accounts create, list (table and JSON), set-tier and set-group with --group and --clear', async (t) => {
  const dir = tempDataDir(t);
  ok(await cli(dir, 'accounts', 'create', '--id', 'acct_1', '--org', 'org_a', '--tier', 'email'));
  ok(await cli(dir, 'accounts', 'create', '--id', 'acct_2'));
  ok(await cli(dir, 'accounts', 'set-tier', '--id', 'acct_2', '--tier', 'id'));
  ok(await cli(dir, 'accounts', 'set-group', '--id', 'acct_2', '--group', 'campaign-3'));

  const listed = JSON.parse(ok(await cli(dir, 'accounts', 'list', '--json')).stdout) as Array<Record<string, unknown>>;
  const byId = Object.fromEntries(listed.map((a) => [a.id, a]));
  assert.equal(listed.length, 2);
  assert.deepEqual({ ...byId.acct_1, created_at: null }, { id: 'acct_1', org_id: 'org_a', tier: 'email', group_id: null, status: 'active', created_at: null });
  assert.equal(byId.acct_2!.tier, 'id');
  assert.equal(byId.acct_2!.group_id, 'campaign-3');
  const table = ok(await cli(dir, 'accounts', 'list')).stdout;
  assert.match(table, /^ID\s+ORG\s+TIER\s+GROUP\s+STATUS\s+CREATED/);
  assert.match(table, /acct_2\s+-\s+id\s+campaign-3\s+active/);

  ok(await cli(dir, 'accounts', 'set-group', '--id', 'acct_2', '--clear'));
  const after = JSON.parse(ok(await cli(dir, 'accounts', 'list', '--json')).stdout) as Array<{ id: string; group_id: string | null }>;
  assert.equal(after.find((a) => a.id === 'acct_2')!.group_id, null);
});

test('accounts export writes accounts.jsonl records (log format v1) that analyze reads, to stdout or --out', async (t) => {
  const dir = tempDataDir(t);
  ok(await cli(dir, 'accounts', 'create', '--id', 'acct_1', '--org', 'org_a', '--tier', 'org'));
  ok(await cli(dir, 'accounts', 'create', '--id', 'acct_2'));
  // as the admin API creates an account with the provider's sign-up details
  const signup = { created_at: '2026-03-01T10:00:00.000Z', payment_fingerprint: 'card_9', signup_ip: '203.0.113.9', email_local_shape: 'aaaa.aaaaa99', email_domain: 'example.org' };
  gatewayView(t, dir).store.createAccount({ id: 'acct_3', tier: 'email', signup });
  const lines = ok(await cli(dir, 'accounts', 'export')).stdout.split('\n');
  assert.equal(lines.pop(), '', 'one record a line, the last one ended');
  const records = lines.map((line) => {
    const parsed = parseAccountLine(line);
    assert.ok(parsed.ok, line);
    return parsed.account;
  });
  const byId = Object.fromEntries(records.map((r) => [r.account_id, r]));
  const { account_id, org_id, verification, payment_fingerprint } = byId.acct_1!;
  assert.deepEqual({ account_id, org_id, verification, payment_fingerprint }, { account_id: 'acct_1', org_id: 'org_a', verification: 'org', payment_fingerprint: null });
  assert.equal(byId.acct_2!.verification, 'none');
  assert.ok(Date.parse(byId.acct_2!.created_at!) > 0);
  const { account_id: id3, verification: tier3, created_at, payment_fingerprint: card, signup_ip, email_local_shape, email_domain, email_hash } = byId.acct_3!;
  assert.deepEqual(
    { id3, tier3, created_at, card, signup_ip, email_local_shape, email_domain, email_hash },
    { id3: 'acct_3', tier3: 'email', created_at: signup.created_at, card: 'card_9', signup_ip: '203.0.113.9', email_local_shape: 'aaaa.aaaaa99', email_domain: 'example.org', email_hash: null },
    'the sign-up details the gateway was given, so analyze links on them as the gateway did',
  );

  const out = join(dir, '..', 'exports', 'accounts.jsonl');
  ok(await cli(dir, 'accounts', 'export', '--out', out));
  assert.equal(readFileSync(out, 'utf8'), lines.join('\n') + '\n');
  const folder = await cli(dir, 'accounts', 'export', '--out', join(dir, '..'));
  assert.equal(folder.code, 1);
  assert.match(folder.stderr, /^distillguard accounts export: --out .+ is a folder; give a file name\n$/);
});

test('keys create prints the secret last; keys list shows ids and state but never the secret', async (t) => {
  const dir = tempDataDir(t);
  ok(await cli(dir, 'accounts', 'create', '--id', 'a'));
  ok(await cli(dir, 'accounts', 'create', '--id', 'b'));
  const secret = ok(await cli(dir, 'keys', 'create', '--account', 'a')).stdout.trimEnd().split('\n').at(-1)!;
  ok(await cli(dir, 'keys', 'create', '--account', 'b'));
  const { cache } = gatewayView(t, dir);
  const auth = cache.authenticate(secret);
  assert.ok(auth.ok);

  const keys = JSON.parse(ok(await cli(dir, 'keys', 'list', '--account', 'a', '--json')).stdout) as Array<{ id: string; account_id: string; revoked_at: string | null }>;
  assert.deepEqual(keys.map((k) => [k.id, k.account_id, k.revoked_at]), [[auth.principal.keyId, 'a', null]]);
  assert.equal((JSON.parse(ok(await cli(dir, 'keys', 'list', '--json')).stdout) as unknown[]).length, 2);
  const table = ok(await cli(dir, 'keys', 'list')).stdout;
  assert.match(table, /^ID\s+ACCOUNT\s+CREATED\s+REVOKED/);
  assert.ok(!table.includes(secret));

  ok(await cli(dir, 'keys', 'revoke', '--id', auth.principal.keyId));
  const revoked = JSON.parse(ok(await cli(dir, 'keys', 'list', '--account', 'a', '--json')).stdout) as Array<{ revoked_at: string | null }>;
  assert.ok(revoked[0]!.revoked_at);
});

test('user errors print one line naming the flag and exit 1, changing nothing', async (t) => {
  const dir = tempDataDir(t);
  ok(await cli(dir, 'accounts', 'create', '--id', 'a'));
  const cases: Array<[string[], RegExp]> = [
    [['accounts', 'create', '--id', 'b', '--tier', 'gold'], /^distillguard accounts create: tier must be one of none, email, phone, id, org.*\(--tier\)\n$/],
    [['accounts', 'create', '--id', 'a'], /already exists.*\(--id\)/],
    [['accounts', 'create', '--id', 'bad id'], /\(--id\)/],
    [['accounts', 'create', '--id', 'c', '--org', 'bad org'], /\(--org\)/],
    [['accounts', 'create'], /required option '--id <id>'/],
    [['accounts', 'set-tier', '--id', 'ghost', '--tier', 'id'], /Account 'ghost' does not exist.*\(--id\)/],
    [['accounts', 'set-tier', '--id', 'a', '--tier', 'gold'], /\(--tier\)/],
    [['accounts', 'set-group', '--id', 'a'], /--group <group> or --clear/],
    [['accounts', 'set-group', '--id', 'a', '--group', 'g', '--clear'], /--group <group> or --clear/],
    [['keys', 'create', '--account', 'ghost'], /Account 'ghost' does not exist.*\(--account\)/],
    [['keys', 'list', '--account', 'ghost'], /\(--account\)/],
    [['keys', 'revoke', '--id', 'key_000000000000'], /does not exist.*\(--id\)/],
  ];
  for (const [args, message] of cases) {
    const run = await cli(dir, ...args);
    assert.equal(run.code, 1, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
    assert.equal(run.stdout, '', args.join(' '));
  }
  const accounts = JSON.parse(ok(await cli(dir, 'accounts', 'list', '--json')).stdout) as Array<{ id: string; tier: string; group_id: string | null }>;
  assert.deepEqual(accounts.map((a) => [a.id, a.tier, a.group_id]), [['a', 'none', null]]);
});
