import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN_ENV, ensureDataDir, KEY_PEPPER_ENV, loadAdminToken, loadKeyPepper } from '../../src/identity/secrets.ts';

function tempDataDir(t: { after(fn: () => void): void }): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dg-secrets-')), 'data');
  t.after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
  return dir;
}

function withEnv(t: { after(fn: () => void): void }, name: string, value: string | undefined): void {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  t.after(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}

test('the key pepper is created on first use as 32 random bytes in hex, mode 0600, then reused', (t) => {
  withEnv(t, KEY_PEPPER_ENV, undefined);
  const dir = tempDataDir(t);
  ensureDataDir(dir);
  const pepper = loadKeyPepper(dir);
  assert.match(pepper, /^[0-9a-f]{64}$/);
  assert.equal(readFileSync(join(dir, 'key-pepper'), 'utf8').trim(), pepper);
  assert.equal(statSync(join(dir, 'key-pepper')).mode & 0o777, 0o600);
  assert.equal(loadKeyPepper(dir), pepper);
});

test('the admin token is created on first use, mode 0600, then reused', (t) => {
  withEnv(t, ADMIN_TOKEN_ENV, undefined);
  const dir = tempDataDir(t);
  const token = loadAdminToken(dir);
  assert.ok(token.length >= 40);
  assert.equal(statSync(join(dir, 'admin-token')).mode & 0o777, 0o600);
  assert.equal(loadAdminToken(dir), token);
  assert.notEqual(loadKeyPepper(dir), token);
});

test('environment variables override the secret files', (t) => {
  withEnv(t, KEY_PEPPER_ENV, 'pepper-from-env');
  withEnv(t, ADMIN_TOKEN_ENV, 'token-from-env');
  const dir = tempDataDir(t);
  assert.equal(loadKeyPepper(dir), 'pepper-from-env');
  assert.equal(loadAdminToken(dir), 'token-from-env');
});

test('no temp files are left behind in the data dir', (t) => {
  withEnv(t, KEY_PEPPER_ENV, undefined);
  withEnv(t, ADMIN_TOKEN_ENV, undefined);
  const dir = tempDataDir(t);
  loadKeyPepper(dir);
  loadAdminToken(dir);
  assert.deepEqual(readdirSync(dir).sort(), ['admin-token', 'key-pepper']);
});
