import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadDataPools } from '../../src/sim/prompts/data.ts';
import { buildPromptLibrary, type PromptLibrary } from '../../src/sim/prompts/library.ts';
import { partition } from '../../src/sim/prompts/slots.ts';
import { Rng } from '../../src/sim/rng.ts';
import { simulate } from '../../src/sim/simulate.ts';
import { writePromptDataFixtures } from '../helpers/prompt-data.ts';

const root = mkdtempSync(join(tmpdir(), 'dg-sim-data-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('the data loader reads each set by its original field names', () => {
  const dir = join(root, 'loader');
  writePromptDataFixtures(dir);
  const pools = loadDataPools(dir);
  assert.equal(pools.math.length, 10);
  assert.equal(pools.chat.length, 10);
  assert.equal(pools.instruction.length, 6);
  assert.equal(pools.code[0], 'FIXTURE-CODE 0: reverse a list\n\n[1, 2]');
  assert.equal(pools.jailbreak.length, 6);
  assert.equal(pools.harmful.length, 6);
});

test('simulations draw their prompts from the data folder when one is given', () => {
  const dir = join(root, 'sim');
  writePromptDataFixtures(dir);
  const result = simulate({ scenario: 'small', seed: 3, days: 1, dataDir: dir });
  assert.equal(result.labels.prompt_source, 'data');
  let fixtureMath = 0;
  let fixtureChat = 0;
  for (const e of result.events) {
    const text = e.messages.map((m) => m.content).join('\n');
    if (text.includes('FIXTURE-MATH')) fixtureMath++;
    if (text.includes('FIXTURE-CHAT')) fixtureChat++;
  }
  assert.ok(fixtureMath > 50 && fixtureChat > 10, `math ${fixtureMath}, chat ${fixtureChat}`);
});

test('fitting and held-out variants use disjoint halves of every pool', () => {
  const items = Array.from({ length: 10 }, (_, i) => `t${i}`);
  const a = partition(items, 0);
  const b = partition(items, 1);
  assert.equal(a.length + b.length, items.length);
  assert.equal(a.filter((x) => b.includes(x)).length, 0);
  const dir = join(root, 'holdout');
  writePromptDataFixtures(dir);
  const seen = (lib: PromptLibrary) => new Set(Array.from({ length: 200 }, (_, i) => lib.math(new Rng(`m${i}`))));
  const fit = seen(buildPromptLibrary(0, dir));
  const held = seen(buildPromptLibrary(1, dir));
  assert.equal([...fit].filter((x) => held.has(x)).length, 0);
});

test('built-in templates give hundreds of distinct prompts of each kind', () => {
  const lib = buildPromptLibrary(0, null);
  const rng = new Rng('variety');
  const kinds: (keyof PromptLibrary)[] = ['chat', 'coding', 'math', 'instruction', 'code', 'tutoring', 'translation', 'copywriting', 'agentic', 'jailbreak'];
  for (const kind of kinds) {
    const gen = lib[kind] as (r: Rng) => string;
    const distinct = new Set(Array.from({ length: 600 }, () => gen(rng)));
    assert.ok(distinct.size >= 100, `${kind}: only ${distinct.size} distinct prompts`);
  }
  // Support bots see the same few questions again and again: fewer, by design.
  const rag = new Set(Array.from({ length: 600 }, () => lib.ragQuestion(rng)));
  assert.ok(rag.size >= 40, `ragQuestion: only ${rag.size}`);
});
