// The in-place JSON string codec behind the marked streams: finds a literal's end past escaped quotes, takes
// plain literals as slices, and writes exactly what JSON.stringify writes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJsonString, encodeJsonString, jsonStringEnd } from '../../src/gateway/json-string.ts';

const TRICKY = ['', 'plain words ', 'say "hi"', 'back\\slash', 'a\\', 'line\nbreak\ttab', '\u0001\u001f', 'é ü 中文', '😀 emoji', '\ud800 lone high', 'lone low \udc00', '\u2028\u2029', '\u007f', '\\"', '"}],"x":"'];

describe('JSON string codec', () => {
  test('jsonStringEnd finds the closing quote past escaped quotes and backslash runs', () => {
    for (const value of TRICKY) {
      const literal = JSON.stringify(value);
      const text = `{"k":${literal},"after":"x"}`;
      assert.equal(jsonStringEnd(text, 5), 5 + literal.length, JSON.stringify(literal));
    }
    assert.equal(jsonStringEnd('"never closed \\"', 0), -1);
  });

  test('decodeJsonString gives the value, plain literals as their slice', () => {
    for (const value of TRICKY) {
      const literal = JSON.stringify(value);
      const text = `xx${literal}yy`;
      const plain = !literal.includes('\\');
      assert.equal(decodeJsonString(text, 2, 2 + literal.length, plain), value);
    }
  });

  test('encodeJsonString writes what JSON.stringify writes', () => {
    for (const value of TRICKY) assert.equal(encodeJsonString(value), JSON.stringify(value), JSON.stringify(value));
  });
});
