import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoTimestamp } from '../../src/events/timestamp.ts';

test('isoTimestamp writes what Date#toISOString writes, across seconds, before 1970 and past 9999', () => {
  const times = [0, 1, 999, 1000, 1_795_000_000_123, 1_795_000_000_999, 1_795_000_001_000, 1_795_000_000_124, -1, -1001, 253_402_300_800_000, 253_402_300_800_999];
  for (const ms of times) assert.equal(isoTimestamp(ms), new Date(ms).toISOString(), String(ms));
  for (let ms = 1_795_000_000_000; ms < 1_795_000_003_000; ms += 7) assert.equal(isoTimestamp(ms), new Date(ms).toISOString());
});

test('isoTimestamp falls back to toISOString for fractional milliseconds', () => {
  assert.equal(isoTimestamp(1_795_000_000_123.6), new Date(1_795_000_000_123.6).toISOString());
});
