import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register as registerActions } from '../../src/cli/actions.ts';
import { register as registerAudit } from '../../src/cli/audit.ts';
import type { CliIo } from '../../src/cli/data-dir.ts';
import { Enforcer } from '../../src/enforce/enforcer.ts';
import { IDENTITY_DB_FILE, IdentityStore } from '../../src/identity/identity-store.ts';
import { loadKeyPepper } from '../../src/identity/secrets.ts';
import { openDatabase } from '../../src/store/sqlite.ts';
import { decision, enforcementConfig } from './helpers.ts';

const CLI = join(import.meta.dirname, '..', 'cli', 'cli-entry.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `distillguard <args> --data-dir <dir>` in its own process, as an operator runs it. */
function spawnCli(dataDir: string, ...args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.DISTILLGUARD_KEY_PEPPER;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args, '--data-dir', dataDir], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The same commands in this process, output captured (fast). */
async function cli(dataDir: string, ...args: string[]): Promise<Run> {
  const run: Run = { code: 0, stdout: '', stderr: '' };
  const io: CliIo = { out: (s) => void (run.stdout += s), err: (s) => void (run.stderr += s), setExitCode: (c) => void (run.code = c) };
  const program = new Command().exitOverride();
  registerActions(program, io);
  registerAudit(program, io);
  await program.parseAsync([...args, '--data-dir', dataDir], { from: 'user' });
  return run;
}

function tempDataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'dg-enforce-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A gateway's enforcer on the data dir, with one id-tier account whose suspension waits for review. */
function gatewayEnforcer(t: { after(fn: () => void): void }, dataDir: string) {
  const db = openDatabase(join(dataDir, IDENTITY_DB_FILE));
  const store = new IdentityStore(db, loadKeyPepper(dataDir));
  t.after(() => db.close());
  store.createAccount({ id: 'verified', tier: 'id' });
  const enforcer = new Enforcer({
    db,
    config: enforcementConfig({ mode: 'enforce' }),
    detectorVersion: '1.0.0',
    accountInfo: (id) => {
      const a = store.getAccount(id);
      return a ? { tier: a.tier, orgId: a.orgId } : null;
    },
  });
  t.after(() => enforcer.stop());
  return { db, enforcer };
}

test('CLI end to end: review queue, approve, undo, manual campaign action, mode, audit verify', async (t) => {
  const dir = tempDataDir(t);
  const { enforcer } = gatewayEnforcer(t, dir);
  const pending = enforcer.onDecision(decision('verified', 'distillation', 0.999))!;

  const listed = await spawnCli(dir, 'actions', 'list', '--status', 'pending_review', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(JSON.parse(listed.stdout).map((a: any) => a.id), [pending.id]);

  const approved = await spawnCli(dir, 'actions', 'approve', '--id', pending.id, '--by', 'alice');
  assert.equal(approved.code, 0, approved.stderr);
  assert.match(approved.stdout, /active \(suspend account verified\)/);
  enforcer.reload();
  assert.equal(enforcer.enforcementFor('verified')?.kind, 'suspend', 'the gateway sees the approval');

  const undone = await cli(dir, 'actions', 'undo', '--id', pending.id, '--by', 'alice', '--reason', 'appeal upheld');
  assert.equal(undone.code, 0, undone.stderr);
  enforcer.reload();
  assert.equal(enforcer.enforcementFor('verified'), null);

  const created = await cli(dir, 'actions', 'create', '--kind', 'suspend', '--campaign', 'cmp_9', '--accounts', 'h1,h2,h3', '--reason', 'hydra network', '--by', 'bob');
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^created act_[0-9a-f]{16}: suspend campaign cmp_9 \(3 accounts\)/);
  enforcer.reload();
  assert.equal(enforcer.enforcementFor('h3')?.kind, 'suspend');

  const table = await cli(dir, 'actions', 'list', '--account', 'h2');
  assert.match(table.stdout, /^ID\s+KIND\s+STATUS/);
  assert.match(table.stdout, /campaign:cmp_9/);

  assert.equal((await cli(dir, 'enforcement', 'mode')).stdout, 'enforcement mode: shadow (from the configuration: not set on this data dir)\n');
  assert.equal((await cli(dir, 'enforcement', 'mode', 'shadow', '--by', 'carol')).stdout, 'enforcement mode: shadow\n');
  assert.equal((await cli(dir, 'enforcement', 'mode')).stdout, 'enforcement mode: shadow\n', 'now set on the data dir');
  enforcer.reload();
  assert.equal(enforcer.mode, 'shadow');

  const audit = await cli(dir, 'audit', 'list', '--json');
  assert.deepEqual(JSON.parse(audit.stdout).map((e: any) => e.event), ['action.create', 'action.approve', 'action.undo', 'action.create', 'mode.change']);

  const verified = await spawnCli(dir, 'audit', 'verify');
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal(verified.stdout, 'audit log intact: 5 entries\n');
});

test('audit verify exits 1 naming the first broken entry', async (t) => {
  const dir = tempDataDir(t);
  const { db, enforcer } = gatewayEnforcer(t, dir);
  for (const id of ['a', 'b', 'c']) enforcer.onDecision(decision(id, 'jailbreak', 0.5));
  db.exec('DROP TRIGGER audit_log_no_update');
  db.prepare(`UPDATE audit_log SET actor = 'analyst:nobody' WHERE seq = 2`).run();
  const run = await spawnCli(dir, 'audit', 'verify');
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^distillguard audit verify: audit log broken at entry 2: /);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

test('CLI errors name the flag and exit 1 without a stack trace', async (t) => {
  const dir = tempDataDir(t);
  const cases: [string[], RegExp][] = [
    [['actions', 'approve', '--id', 'act_0000000000000000'], /Action 'act_0000000000000000' does not exist \(--id\)/],
    [['actions', 'list', '--status', 'gone'], /unknown status 'gone'.*\(--status\)/],
    [['actions', 'create', '--kind', 'banish', '--account', 'x', '--reason', 'r'], /unknown kind 'banish'.*\(--kind\)/],
    [['actions', 'create', '--kind', 'suspend', '--reason', 'r'], /either --account <id> or --campaign <id>/],
    [['actions', 'create', '--kind', 'suspend', '--campaign', 'c', '--reason', 'r'], /no known members.*\(--accounts\)/],
    [['enforcement', 'mode', 'off'], /unknown mode 'off'/],
    [['audit', 'list', '--since', 'x'], /not a sequence number \(--since\)/],
  ];
  for (const [args, message] of cases) {
    const run = await cli(dir, ...args);
    assert.equal(run.code, 1, args.join(' '));
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  }
  const undoTwice = gatewayEnforcer(t, dir).enforcer.createManual({ kind: 'throttle', target: { type: 'account', id: 'z' }, reason: 'r' }, 'x');
  await cli(dir, 'actions', 'undo', '--id', undoTwice.id);
  const again = await cli(dir, 'actions', 'undo', '--id', undoTwice.id);
  assert.match(again.stderr, /is undone, not active \(--id\)/);
});
