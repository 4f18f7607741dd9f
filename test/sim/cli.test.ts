import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { register } from '../../src/cli/simulate.ts';

const root = mkdtempSync(join(tmpdir(), 'dg-sim-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function cli(args: string[]): Promise<number> {
  const program = new Command().exitOverride();
  register(program);
  process.exitCode = 0;
  await program.parseAsync(['node', 'distillguard', 'simulate', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return code;
}

test('simulate writes accounts.jsonl, events.jsonl and labels.json into --out', async () => {
  const out = join(root, 'run');
  const code = await cli(['--scenario', 'small', '--out', out, '--seed', '5', '--days', '0.5', '--data', 'none']);
  assert.equal(code, 0);
  for (const f of ['accounts.jsonl', 'events.jsonl', 'labels.json']) assert.ok(existsSync(join(out, f)), f);
  const labels = JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8'));
  assert.equal(labels.scenario, 'small');
  assert.equal(labels.seed, 5);
  assert.equal(labels.days, 0.5);
  assert.equal(labels.prompt_source, 'builtin', '--data none: the built-in templates');
  assert.ok(readFileSync(join(out, 'events.jsonl'), 'utf8').split('\n').length > 100);
});

test('simulate exits 1 with a message on an unknown scenario or a bad number', async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (msg: string) => errors.push(msg);
  try {
    assert.equal(await cli(['--scenario', 'nope', '--out', join(root, 'x')]), 1);
    assert.equal(await cli(['--scenario', 'small', '--seed', 'abc', '--out', join(root, 'y')]), 1);
    assert.equal(await cli(['--scenario', 'small', '--scale', '1e9', '--out', join(root, 'z')]), 1);
    assert.equal(await cli(['--scenario', 'small', '--data', join(root, 'no-such-data'), '--out', join(root, 'd1')]), 1);
    mkdirSync(join(root, 'empty-data'));
    assert.equal(await cli(['--scenario', 'small', '--data', join(root, 'empty-data'), '--out', join(root, 'd2')]), 1);
  } finally {
    console.error = original;
  }
  assert.match(errors[0], /unknown scenario "nope"/);
  assert.match(errors[1], /--seed must be a number/);
  assert.match(errors[2], /--scale must be a positive number up to 50, got 1000000000/);
  // a mistyped --data stops the run rather than switch it to other prompts
  assert.match(errors[3], /--data .+no-such-data: no such folder \(give none for the built-in prompt templates\)/);
  assert.match(errors[4], /--data .+empty-data holds none of the public prompt sets \(sharegpt-prompts, gsm8k/);
  assert.ok(!existsSync(join(root, 'd1')) && !existsSync(join(root, 'd2')));
  assert.ok(!existsSync(join(root, 'x')));
});
