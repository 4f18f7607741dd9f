import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantTimeEqual, generateKey, hashSecret, isKeyId, parseKeyId, SECRET_LENGTH } from '../../src/identity/keys.ts';

test('generated secrets have the dg-<keyId>-<43 base64url chars> shape and carry their key id', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const { keyId, secret } = generateKey();
    assert.match(keyId, /^key_[0-9a-f]{12}$/);
    assert.match(secret, /^dg-key_[0-9a-f]{12}-[A-Za-z0-9_-]{43}$/);
    assert.equal(secret.length, SECRET_LENGTH);
    assert.equal(parseKeyId(secret), keyId);
    assert.ok(isKeyId(keyId));
    seen.add(secret);
  }
  assert.equal(seen.size, 50);
});

test('parseKeyId rejects anything that is not a well-formed secret', () => {
  const { secret } = generateKey();
  for (const bad of ['', 'dg-', secret.slice(0, -1), secret + 'x', secret.replace('dg-', 'sk-'), secret.replace('key_', 'KEY_'), secret.slice(0, -1) + '=']) {
    assert.equal(parseKeyId(bad), null, bad);
  }
});

test('hashSecret is an HMAC keyed by the pepper: same input same hash, other pepper other hash', () => {
  const { secret } = generateKey();
  const a = hashSecret('pepper-one', secret);
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(hashSecret('pepper-one', secret), a);
  assert.notEqual(hashSecret('pepper-two', secret), a);
  assert.ok(!a.includes(secret));
});

test('constantTimeEqual compares by value, including strings of different lengths', () => {
  assert.ok(constantTimeEqual('abc', 'abc'));
  assert.ok(!constantTimeEqual('abc', 'abd'));
  assert.ok(!constantTimeEqual('abc', 'abcd'));
  assert.ok(!constantTimeEqual('', 'a'));
});
