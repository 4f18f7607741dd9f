import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClientIpResolver } from '../../src/gateway/client-ip.ts';

test('without trusted proxies the socket peer is the client and X-Forwarded-For is ignored', () => {
  const resolve = createClientIpResolver([]);
  assert.equal(resolve('::ffff:10.0.0.5', '1.2.3.4'), '10.0.0.5');
});

test('behind a trusted proxy the last untrusted X-Forwarded-For hop is the client', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8', '::1']);
  assert.equal(resolve('10.1.2.3', '203.0.113.9, 198.51.100.7, 10.9.9.9'), '198.51.100.7');
  assert.equal(resolve('::1', '2001:db8::1'), '2001:db8::1');
  assert.equal(resolve('192.0.2.1', '203.0.113.9'), '192.0.2.1', 'an untrusted peer cannot claim an address');
  assert.equal(resolve('10.1.2.3', 'garbage'), '10.1.2.3');
});
