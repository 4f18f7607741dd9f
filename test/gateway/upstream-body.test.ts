// The hand-over of an upstream event stream's chunks to the relay: order kept whether the relay comes before or
// after them, the upstream paused while the relay asks to wait, one end or error, and an abort that reaches
// both sides wherever the body stands.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BodySink, UpstreamBody } from '../../src/gateway/upstream-body.ts';

/** A body whose upstream side is recorded, and a sink that records what it hears and can be told to refuse. */
function harness() {
  const log: string[] = [];
  const body = new UpstreamBody(
    () => log.push('resume-upstream'),
    (err) => log.push(`abort-upstream:${err.message}`),
  );
  let accept = true;
  const sink: BodySink = {
    chunk(c) {
      log.push(`chunk:${c.toString()}`);
      return accept;
    },
    end: () => log.push('end'),
    error: (err) => log.push(`error:${err.message}`),
  };
  return { body, sink, log, refuse: (v: boolean) => (accept = !v) };
}

/** A body whose upstream sent `a`, `b` and its end before a relay came that asks to wait at once. */
function completeAndWaiting() {
  const h = harness();
  h.body.push(Buffer.from('a'));
  h.body.push(Buffer.from('b'));
  h.body.end();
  h.refuse(true);
  h.body.pipeTo(h.sink);
  return h;
}

test('chunks that came before the relay go first, in order, then the upstream is read on', () => {
  const { body, sink, log } = harness();
  assert.equal(body.push(Buffer.from('a')), true);
  assert.equal(body.push(Buffer.from('b')), true);
  body.pipeTo(sink);
  assert.equal(body.push(Buffer.from('c')), true);
  body.end();
  assert.deepEqual(log, ['chunk:a', 'chunk:b', 'resume-upstream', 'chunk:c', 'end']);
});

test('a body that ended before the relay came is handed over whole, then ends', () => {
  const { body, sink, log } = harness();
  body.push(Buffer.from('a'));
  body.end();
  body.pipeTo(sink);
  assert.deepEqual(log, ['chunk:a', 'end']);
});

test('the upstream pauses while the relay asks to wait, and nothing is lost or reordered', () => {
  const { body, sink, log, refuse } = harness();
  // held before the relay: ask the upstream to wait once 64 KiB are held
  assert.equal(body.push(Buffer.alloc(40 * 1024, 'x')), true);
  assert.equal(body.push(Buffer.alloc(40 * 1024, 'y')), false);
  log.length = 0;
  refuse(true);
  body.pipeTo(sink);
  // the first chunk was refused: the second waits, the upstream stays paused
  assert.equal(log.length, 1);
  refuse(false);
  body.resume();
  assert.equal(log.length, 3);
  assert.equal(log[2], 'resume-upstream');
  log.length = 0;
  refuse(true);
  assert.equal(body.push(Buffer.from('c')), false);
  refuse(false);
  body.resume();
  assert.equal(body.push(Buffer.from('d')), true);
  body.end();
  assert.deepEqual(log, ['chunk:c', 'resume-upstream', 'chunk:d', 'end']);
});

test('an end while the relay waits comes after the last chunk', () => {
  const { body, log, refuse } = completeAndWaiting();
  refuse(false);
  body.resume();
  assert.deepEqual(log, ['chunk:a', 'chunk:b', 'end']);
});

test('an upstream failure drops what waits and is heard once, also by a relay that comes later', () => {
  const early = harness();
  early.body.push(Buffer.from('a'));
  early.body.fail(new Error('reset'));
  early.body.pipeTo(early.sink);
  assert.deepEqual(early.log, ['error:reset']);

  const { body, sink, log, refuse } = harness();
  refuse(true);
  body.pipeTo(sink);
  body.push(Buffer.from('a'));
  body.fail(new Error('reset'));
  body.fail(new Error('again'));
  body.resume();
  body.end();
  assert.deepEqual(log, ['resume-upstream', 'chunk:a', 'error:reset']);
});

test('an abort stops the upstream while it is read, and only the relay once it has completed', () => {
  const reading = harness();
  reading.body.pipeTo(reading.sink);
  reading.body.push(Buffer.from('a'));
  reading.body.abort(new Error('caller left'));
  // the upstream's failure that follows the abort is not heard again
  reading.body.fail(new Error('aborted'));
  assert.equal(reading.body.push(Buffer.from('late')), true);
  assert.deepEqual(reading.log, ['resume-upstream', 'chunk:a', 'error:caller left', 'abort-upstream:caller left']);

  // complete upstream, last chunks waiting for a caller that leaves
  const { body, log } = completeAndWaiting();
  body.abort(new Error('caller left'));
  body.resume();
  assert.deepEqual(log, ['chunk:a', 'error:caller left']);
});

test('a relay that aborts from inside a chunk hears only the error', () => {
  const log: string[] = [];
  const body = new UpstreamBody(
    () => log.push('resume-upstream'),
    () => log.push('abort-upstream'),
  );
  body.push(Buffer.from('a'));
  body.push(Buffer.from('b'));
  body.pipeTo({
    chunk(c) {
      log.push(`chunk:${c.toString()}`);
      body.abort(new Error('bug'));
      return true;
    },
    end: () => log.push('end'),
    error: (err) => log.push(`error:${err.message}`),
  });
  assert.deepEqual(log, ['chunk:a', 'error:bug', 'abort-upstream']);
});
