import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAccountLine, parseEventLine, parseRfc3339 } from '../../src/events/parse.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/events/${name}`, import.meta.url));
const validLines = readFileSync(fixture('valid.jsonl'), 'utf8').split('\n').filter((l) => l.length > 0);

function baseEvent(): Record<string, any> {
  return {
    ts: '2026-10-01T00:00:05.423Z',
    request_id: 'req_1',
    account_id: 'acct_1',
    client: { ip: '47.14.150.188' },
    endpoint: '/v1/chat/completions',
    model: 'frontier-large',
    params: { max_tokens: 10 },
    messages: [{ role: 'user', content: 'hello' }],
    response: { status: 200 },
  };
}

function expectFieldError(event: unknown, field: string) {
  const r = parseEventLine(JSON.stringify(event));
  assert.equal(r.ok, false, `expected a rejection naming ${field}`);
  if (!r.ok) {
    assert.equal(r.field, field);
    assert.ok(r.message.startsWith(`${field}: expected`), r.message);
  }
}

test('a valid line from the spec parses with every field', () => {
  const r = parseEventLine(validLines[0]);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.tsMs, Date.UTC(2026, 9, 1, 0, 0, 5, 423));
  assert.deepEqual(r.event, {
    ts: '2026-10-01T00:00:05.423Z',
    request_id: 'req_fa92',
    account_id: 'acct_29f8',
    org_id: 'org_5db6',
    key_id: 'key_29f8',
    client: { ip: '47.14.150.188', asn: 7922, user_agent: 'openai-python/1.54.3', ja4: 't13d1516h2_8daaf6152771_02713d6af862' },
    endpoint: '/v1/chat/completions',
    model: 'frontier-large',
    params: { max_tokens: 8192, temperature: 0.7, stream: true, reasoning_effort: 'high' },
    messages: [{ role: 'user', content: 'Explain binary search trees. Show all of your reasoning.' }],
    response: { status: 200, input_tokens: 38, output_tokens: 1945, reasoning_tokens: 3006, finish_reason: 'stop', latency_ms: 31703 },
  });
});

test('missing optional fields read as null', () => {
  const r = parseEventLine(JSON.stringify(baseEvent()));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.event.org_id, null);
  assert.equal(r.event.key_id, null);
  assert.deepEqual(r.event.client, { ip: '47.14.150.188', asn: null, user_agent: null, ja4: null });
  assert.deepEqual(r.event.response, {
    status: 200, input_tokens: null, output_tokens: null, reasoning_tokens: null, finish_reason: null, latency_ms: null,
  });
});

test('unknown fields are ignored', () => {
  const r = parseEventLine(validLines[1]);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal('x_vendor_trace' in r.event, false);
  assert.equal('future_field' in r.event, false);
  assert.equal(r.event.client.ip, '2001:db8::17');
});

test('content given as text parts is joined with newlines and non-text parts are skipped', () => {
  const r = parseEventLine(validLines[1]);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual(r.event.messages, [
    { role: 'system', content: 'You are a grader.' },
    { role: 'user', content: 'Score this answer 1-10.\nAnswer: 42' },
  ]);
});

test('a timestamp with an offset is accepted and kept as written', () => {
  const r = parseEventLine(validLines[2]);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.event.ts, '2026-10-01T00:00:07.500+00:00');
  assert.equal(r.tsMs, Date.UTC(2026, 9, 1, 0, 0, 7, 500));
});

const REQUIRED: [string, (e: Record<string, any>) => void][] = [
  ['ts', (e) => delete e.ts],
  ['request_id', (e) => delete e.request_id],
  ['account_id', (e) => delete e.account_id],
  ['client', (e) => delete e.client],
  ['client.ip', (e) => delete e.client.ip],
  ['endpoint', (e) => delete e.endpoint],
  ['model', (e) => delete e.model],
  ['params', (e) => delete e.params],
  ['messages', (e) => delete e.messages],
  ['response', (e) => delete e.response],
  ['response.status', (e) => delete e.response.status],
];

for (const [field, remove] of REQUIRED) {
  test(`a missing ${field} is rejected naming the field`, () => {
    const e = baseEvent();
    remove(e);
    expectFieldError(e, field);
  });
}

/** [field named in the error, value put there] */
const MISTYPED: [string, unknown][] = [
  ['ts', 1727740805423],
  ['ts', 'yesterday'],
  ['ts', '2026-02-30T00:00:00Z'],
  ['ts', '2026-10-01T00:00:05'],
  ['request_id', 42],
  ['account_id', ''],
  ['org_id', 5],
  ['key_id', {}],
  ['client', '47.14.150.188'],
  ['client.ip', '999.1.1.1'],
  ['client.ip', 'localhost'],
  ['client.asn', '7922'],
  ['client.user_agent', 1],
  ['client.ja4', ['x']],
  ['endpoint', null],
  ['model', 3],
  ['params', []],
  ['messages', 'hello'],
  ['messages[0]', 'hello'],
  ['messages[0].role', 1],
  ['messages[0].content', 12],
  ['messages[0].content[1].text', 2],
  ['response', 200],
  ['response.status', '200'],
  ['response.status', 200.5],
  ['response.input_tokens', 1.5],
  ['response.output_tokens', -1],
  ['response.reasoning_tokens', '3'],
  ['response.finish_reason', 0],
  ['response.latency_ms', true],
];

/** Puts `value` at a field path such as `client.ip` or `messages[0].content[1].text`. */
function setField(target: Record<string, any>, field: string, value: unknown): void {
  const keys = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node: any = target;
  for (const key of keys.slice(0, -1)) {
    // a path through a string content turns it into text parts
    if (key === 'content' && typeof node[key] === 'string') node[key] = [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }];
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}

for (const [field, value] of MISTYPED) {
  test(`a mistyped ${field} (${JSON.stringify(value)}) is rejected naming the field`, () => {
    const e = baseEvent();
    setField(e, field, value);
    expectFieldError(e, field);
  });
}

test('the client.ip message says what was expected', () => {
  const e = baseEvent();
  e.client.ip = 'not-an-ip';
  const r = parseEventLine(JSON.stringify(e));
  assert.deepEqual(r, { ok: false, field: 'client.ip', message: 'client.ip: expected an IPv4 or IPv6 address' });
});

test('a line that is not JSON is rejected with no field', () => {
  const r = parseEventLine('{"ts": "2026-10-01T00:00:05.423Z",');
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.field, null);
    assert.match(r.message, /^invalid JSON/);
  }
});

test('a JSON value that is not an object is rejected with no field', () => {
  for (const line of ['[]', '42', 'null', '"event"']) {
    const r = parseEventLine(line);
    assert.equal(r.ok, false, line);
    if (!r.ok) assert.equal(r.field, null);
  }
});

test('RFC 3339 parsing agrees with Date for valid timestamps and rejects impossible dates', () => {
  for (const s of ['2026-10-01T00:00:05.423Z', '2024-02-29T23:59:59Z', '2026-10-01 00:00:05.4Z', '2026-10-01T02:00:05.123456-03:30']) {
    assert.equal(parseRfc3339(s), Date.parse(s.replace(' ', 'T')), s);
  }
  for (const s of ['2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-10-01T24:00:00Z', '2026-10-01T00:00:00.Z', '2026-10-01T00:00:00Zjunk', '2026-10-01T00:00:00+0100']) {
    assert.ok(Number.isNaN(parseRfc3339(s)), s);
  }
});

test('an account line parses with optional fields as null', () => {
  const lines = readFileSync(fixture('accounts.jsonl'), 'utf8').split('\n');
  const full = parseAccountLine(lines[0]);
  assert.ok(full.ok);
  if (full.ok) {
    assert.equal(full.account.verification, 'phone');
    assert.equal(full.account.payment_fingerprint, 'card_01');
  }
  const bare = parseAccountLine(lines[1]);
  assert.deepEqual(bare, {
    ok: true,
    account: {
      account_id: 'acct_7c01', org_id: null, created_at: null, email_domain: null, email_hash: null,
      email_local_shape: null, payment_fingerprint: null, signup_ip: null, verification: null, declared_use_case: null,
    },
  });
});

test('an account line with a bad field is rejected naming it', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ account_id: 'a', verification: 'passport' }, 'verification'],
    [{ org_id: 'o' }, 'account_id'],
    [{ account_id: 'a', created_at: 'last week' }, 'created_at'],
    [{ account_id: 'a', signup_ip: '300.0.0.1' }, 'signup_ip'],
    [{ account_id: 'a', payment_fingerprint: 7 }, 'payment_fingerprint'],
    [{ account_id: 'a', verification: 'id', email_domain: false }, 'email_domain'],
  ];
  for (const [record, field] of cases) {
    const r = parseAccountLine(JSON.stringify(record));
    assert.equal(r.ok, false, field);
    if (!r.ok) assert.equal(r.field, field);
  }
});
