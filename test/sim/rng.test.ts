import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/sim/rng.ts';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

test('the same seed string gives the same sequence', () => {
  assert.deepEqual(draws(new Rng('a/1'), 50), draws(new Rng('a/1'), 50));
});

test('nearby seeds give unrelated sequences', () => {
  const a = draws(new Rng('seed-1'), 50);
  const b = draws(new Rng('seed-2'), 50);
  assert.equal(a.filter((x, i) => x === b[i]).length, 0);
});

test('a fork is independent of later draws on its parent', () => {
  const p1 = new Rng('parent');
  const c1 = p1.fork('child');
  const p2 = new Rng('parent');
  const c2 = p2.fork('child');
  p2.next();
  p2.next();
  assert.deepEqual(draws(c1, 20), draws(c2, 20));
});

test('int, range and pick stay in bounds and cover the range', () => {
  const rng = new Rng('bounds');
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = rng.int(3, 7);
    assert.ok(v >= 3 && v <= 7);
    seen.add(v);
    const r = rng.range(-1, 1);
    assert.ok(r >= -1 && r < 1);
  }
  assert.equal(seen.size, 5);
  assert.throws(() => rng.pick([]), RangeError);
});

test('poisson and exponential have the requested means', () => {
  const rng = new Rng('means');
  let sp = 0;
  let se = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    sp += rng.poisson(3);
    se += rng.exponential(2);
  }
  assert.ok(Math.abs(sp / n - 3) < 0.1, `poisson mean ${sp / n}`);
  assert.ok(Math.abs(se / n - 2) < 0.1, `exponential mean ${se / n}`);
});
