import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseSplitter } from '../../src/gateway/sse.ts';

test('SSE splitter yields whole events however the bytes are chunked', () => {
  const stream = 'event: a\ndata: {"x":1}\n\ndata: line1\ndata: line2\n\n: comment\ndata: [DONE]\n\n';
  for (let size = 1; size <= stream.length; size++) {
    const s = new SseSplitter();
    const events = [];
    for (let i = 0; i < stream.length; i += size) events.push(...s.push(stream.slice(i, i + size)));
    assert.deepEqual(events.map((e) => [e.event, e.data]), [['a', '{"x":1}'], [null, 'line1\nline2'], [null, '[DONE]']]);
    assert.equal(events.map((e) => e.raw).join(''), stream);
    assert.equal(s.flush(), null);
  }
});

test('SSE splitter accepts CRLF line endings', () => {
  const s = new SseSplitter();
  const events = s.push('event: ping\r\ndata: {}\r\n\r\n');
  assert.deepEqual(events.map((e) => [e.event, e.data]), [['ping', '{}']]);
});
