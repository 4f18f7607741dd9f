// The CLI loads only the module of the command being run (src/cli/index.ts): which modules a command line
// selects, and that every command is still found in the full listing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { modulesFor } from '../../src/cli/index.ts';

const argv = (...args: string[]) => ['node', 'distillguard', ...args];

test('a named command loads its own module only', () => {
  assert.deepEqual(modulesFor(argv('analyze', '--events', 'e.jsonl', '--out', 'r.json')).map((m) => m.commands), [['analyze']]);
  // options before the command name are skipped; a second top-level command of a module finds that module
  assert.deepEqual(modulesFor(argv('--no-color', 'enforcement', 'mode')).map((m) => m.commands), [['actions', 'enforcement']]);
});

test('no command, help or an unknown command loads every module', () => {
  const all = modulesFor(argv()).length;
  assert.ok(all >= 10);
  assert.equal(modulesFor(argv('--help')).length, all);
  assert.equal(modulesFor(argv('help', 'analyze')).length, all);
  assert.equal(modulesFor(argv('bogus')).length, all);
});

test('each module registers exactly the top-level commands it is listed under', async () => {
  for (const m of modulesFor(argv())) {
    const program = new Command();
    (await m.load()).register(program);
    assert.deepEqual(program.commands.map((c) => c.name()).sort(), [...m.commands].sort());
  }
});
