import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../src/policy/token-bucket.ts';

test('a new bucket starts full', () => {
  const bucket = new TokenBucket(600, 0);
  assert.equal(bucket.level, 600);
  assert.equal(bucket.msUntil(600), 0);
  assert.equal(bucket.msUntilFull(), 0);
});

test('refill adds perMinute/60 per second exactly and stops at capacity', () => {
  const bucket = new TokenBucket(10_000, 0);
  bucket.take(10_000);
  bucket.refill(18_000);
  assert.equal(bucket.level, 3000);
  bucket.refill(1_000_000);
  assert.equal(bucket.level, 10_000);
});

test('an older timestamp never removes refill already granted', () => {
  const bucket = new TokenBucket(60, 0);
  bucket.take(60);
  bucket.refill(10_000);
  assert.equal(bucket.level, 10);
  bucket.refill(5_000);
  assert.equal(bucket.level, 10);
  bucket.refill(11_000);
  assert.equal(bucket.level, 11);
});

test('msUntil rounds up and counts from a negative level', () => {
  const bucket = new TokenBucket(60, 0);
  bucket.take(61); // -1
  assert.equal(bucket.msUntil(1), 2000);
  assert.equal(bucket.msUntil(0.5), 1500);
  assert.equal(bucket.msUntilFull(), 61_000);
});

test('give never overfills, isFullAt looks ahead without changing the level', () => {
  const bucket = new TokenBucket(100, 0);
  bucket.take(30);
  bucket.give(50);
  assert.equal(bucket.level, 100);
  bucket.take(50);
  assert.equal(bucket.isFullAt(29_999), false);
  assert.equal(bucket.isFullAt(30_000), true);
  assert.equal(bucket.level, 50);
});

test('a lowered limit clamps the level; a raised one keeps it', () => {
  const bucket = new TokenBucket(100, 0);
  bucket.setPerMinute(40, 0);
  assert.equal(bucket.level, 40);
  bucket.setPerMinute(1000, 0);
  assert.equal(bucket.level, 40);
  assert.equal(bucket.capacity, 1000);
});
