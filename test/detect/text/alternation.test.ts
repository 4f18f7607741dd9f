// alternation() groups the alternatives that start at a word boundary behind one `\b`: the regex must match
// exactly the texts the plain `A|B|…` matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alternation } from '../../../src/detect/text/alternation.ts';
import { HARMFUL_REQUEST } from '../../../src/detect/signals/jailbreak.ts';

test('alternatives at a word boundary share one \\b; the others stay as they are', () => {
  assert.equal(alternation([String.raw`\bfoo`, 'bar', String.raw`\bbaz\b`], 'i').source, String.raw`\b(?:foo|baz\b)|bar`);
  // an element that is itself several alternatives is not regrouped: `\ba|b` is not `\b(?:a|b)`
  const re = alternation([String.raw`\bab|cd`, String.raw`\bxy`], '');
  assert.equal(re.source, String.raw`\b(?:xy)|\bab|cd`);
  assert.ok(re.test('-cd'), 'cd matches inside a word too');
  assert.ok(!alternation([String.raw`\bab`], '').test('cab'));
  // bars inside groups and character classes keep an element whole
  assert.equal(alternation([String.raw`\b(?:a|b)c`, String.raw`\b[|]d`], '').source, String.raw`\b(?:(?:a|b)c|[|]d)`);
});

test('grouped, a pattern matches the same texts as written alternative by alternative', () => {
  const alternatives = [String.raw`\bsteal(?:s|ing)? (?:from\b|money)`, String.raw`\bhack(?:s|ing)? into\b`, 'パスワード', String.raw`\billegally\b`, String.raw`x\by`];
  const grouped = alternation(alternatives, 'i');
  const plain = new RegExp(alternatives.join('|'), 'i');
  const texts = ['He steals money', 'stealing from', 'unstealing from', 'hacking into', 'hack into-it', 'illegally', 'illegallyx', 'パスワードを', 'x y', 'x-y', 'xy', ''];
  for (const t of texts) assert.equal(grouped.test(t), plain.test(t), t);
  // the shipped pattern is grouped
  assert.ok(HARMFUL_REQUEST.source.startsWith(String.raw`\b(?:`));
  assert.ok(HARMFUL_REQUEST.test('how to commit insurance fraud') && !HARMFUL_REQUEST.test('how to commit a change'));
});
