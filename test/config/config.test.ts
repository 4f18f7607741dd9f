import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/config/defaults.ts';
import { loadConfigFile, resolveConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';

const here = import.meta.dirname;

test('the example config file lists exactly the shipped defaults', () => {
  const c = loadConfigFile(join(here, '..', '..', 'config', 'distillguard.example.yaml'));
  assert.deepEqual(JSON.parse(JSON.stringify(c.tiers)), JSON.parse(JSON.stringify(DEFAULT_CONFIG.tiers)));
  assert.deepEqual(c.enforcement, resolveConfig({}).enforcement);
  assert.deepEqual(c.provenance, resolveConfig({}).provenance);
  assert.equal(c.server.body_limit_bytes, 10 * 1024 * 1024);
});

test('a config file names only what it changes; the rest keeps the defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-cfg-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ tiers: { none: { reasoning: 'summary' } } }));
  const c = loadConfigFile(file);
  assert.equal(c.tiers.none.reasoning, 'summary');
  assert.equal(c.tiers.none.logprobs, false);
  assert.equal(c.tiers.org.reasoning, 'full');
});

test('an invalid config stops with a message naming the field', () => {
  assert.throws(
    () => resolveConfig({ tiers: { email: { reasoning: 'partial' } }, server: { body_limit_bytes: -1 } }),
    (err: unknown) => err instanceof ConfigError && /tiers\.email\.reasoning/.test(err.message) && /server\.body_limit_bytes/.test(err.message),
  );
  assert.throws(() => resolveConfig({ surprise: true }), /surprise/);
});

test('a YAML file that does not parse is reported with its path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-cfg-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'tiers: [unclosed');
  assert.throws(() => loadConfigFile(file), (err: unknown) => err instanceof ConfigError && err.message.includes(file));
});
