// Every kind of bad input gets the right status and the error body of the caller's dialect,
// and still becomes an event.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startUpstream, type TestUpstream } from '../helpers/upstreams.ts';

type Dialect = 'openai' | 'anthropic';

interface Case {
  name: string;
  dialect: Dialect;
  /** which gateway: the normal one, or one in front of a failing upstream */
  target?: 'main' | 'refused' | 'slow' | 'erroring' | 'erroring-native';
  path?: string;
  key?: 'good' | 'none' | 'revoked' | 'bogus';
  body?: string;
  contentType?: string;
  status: number;
  code: string;
  param?: string;
}

const chat = (o: object = {}) => JSON.stringify({ model: 'demo-small', messages: [{ role: 'user', content: 'hi' }], ...o });
const msg = (o: object = {}) => JSON.stringify({ model: 'demo-small', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...o });

const CASES: Case[] = [
  { name: 'malformed JSON (openai)', dialect: 'openai', body: '{"model": "x", ', status: 400, code: 'DG_ERR_INVALID_JSON' },
  { name: 'malformed JSON (anthropic)', dialect: 'anthropic', body: '{oops', status: 400, code: 'DG_ERR_INVALID_JSON' },
  { name: 'messages of the wrong type', dialect: 'openai', body: JSON.stringify({ model: 'demo-small', messages: 'hi' }), status: 400, code: 'DG_ERR_INVALID_REQUEST', param: 'messages' },
  { name: 'max_tokens of the wrong type', dialect: 'openai', body: chat({ max_tokens: 'many' }), status: 400, code: 'DG_ERR_INVALID_REQUEST', param: 'max_tokens' },
  { name: 'anthropic without max_tokens', dialect: 'anthropic', body: JSON.stringify({ model: 'demo-small', messages: [{ role: 'user', content: 'x' }] }), status: 400, code: 'DG_ERR_INVALID_REQUEST' },
  { name: 'model missing', dialect: 'openai', body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }), status: 400, code: 'DG_ERR_INVALID_REQUEST', param: 'model' },
  { name: 'body over the limit', dialect: 'openai', body: chat({ pad: 'x'.repeat(70_000) }), status: 413, code: 'DG_ERR_BODY_TOO_LARGE' },
  { name: 'not JSON content type', dialect: 'openai', body: 'hello', contentType: 'text/plain', status: 415, code: 'DG_ERR_UNSUPPORTED_MEDIA_TYPE' },
  { name: 'missing key (openai)', dialect: 'openai', key: 'none', body: chat(), status: 401, code: 'DG_ERR_MISSING_API_KEY' },
  { name: 'missing key (anthropic)', dialect: 'anthropic', key: 'none', body: msg(), status: 401, code: 'DG_ERR_MISSING_API_KEY' },
  { name: 'unknown key', dialect: 'openai', key: 'bogus', body: chat(), status: 401, code: 'DG_ERR_INVALID_API_KEY' },
  { name: 'revoked key', dialect: 'anthropic', key: 'revoked', body: msg(), status: 401, code: 'DG_ERR_REVOKED_API_KEY' },
  { name: 'model not served', dialect: 'openai', body: chat({ model: 'gpt-unknown' }), status: 404, code: 'DG_ERR_UNKNOWN_MODEL', param: 'model' },
  { name: 'unknown route', dialect: 'openai', path: '/v1/embeddingz', body: chat(), status: 404, code: 'DG_ERR_NOT_FOUND' },
  { name: 'upstream refuses connections', dialect: 'openai', target: 'refused', body: chat(), status: 502, code: 'DG_ERR_UPSTREAM_UNREACHABLE' },
  { name: 'upstream times out', dialect: 'anthropic', target: 'slow', body: msg(), status: 504, code: 'DG_ERR_UPSTREAM_TIMEOUT' },
  { name: 'upstream error in another shape is wrapped', dialect: 'anthropic', target: 'erroring', body: msg(), status: 503, code: 'DG_ERR_UPSTREAM_ERROR' },
];

/**
 * An upstream address that refuses connections: port 1 on loopback, outside the ephemeral range, so no test
 * server running beside this one can be given it (a port freed by closing a server could be, and was).
 */
const REFUSING_UPSTREAM = 'http://127.0.0.1:1';

function headersFor(dialect: Dialect, key: string | null, contentType = 'application/json'): Record<string, string> {
  const h: Record<string, string> = { 'content-type': contentType };
  if (dialect === 'anthropic') {
    h['anthropic-version'] = '2023-06-01';
    if (key) h['x-api-key'] = key;
  } else if (key) h.authorization = `Bearer ${key}`;
  return h;
}

describe('bad input answers in the caller dialect', () => {
  const gateways = new Map<string, TestGateway>();
  const keys = new Map<string, { good: string; revoked: string }>();
  let slow: TestUpstream;
  let erroring: TestUpstream;

  before(async () => {
    slow = await startUpstream(async (_req, _body, res) => {
      await new Promise((r) => setTimeout(r, 1500));
      if (!res.destroyed) sendJson(res, 200, {});
    });
    erroring = await startUpstream((_req, _body, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('upstream overloaded');
    });
    const base = { server: { body_limit_bytes: 64 * 1024, upstream_headers_timeout_ms: 300 }, models: ['demo-small'] };
    const targets: Record<string, string | null> = {
      main: null,
      refused: REFUSING_UPSTREAM,
      slow: slow.url,
      erroring: erroring.url,
    };
    for (const [name, upstream] of Object.entries(targets)) {
      const t = await startTestGateway({ config: base, upstream });
      gateways.set(name, t);
      const revoked = t.keyFor('acct_revoked', 'org');
      t.gw.store.revokeKey(/^dg-(key_[0-9a-f]{12})-/.exec(revoked)![1]);
      t.gw.cache.reload();
      keys.set(name, { good: t.keyFor('acct_good', 'org'), revoked });
    }
  });
  after(async () => {
    for (const t of gateways.values()) await t.close();
    await slow.close();
    await erroring.close();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const target = c.target ?? 'main';
      const t = gateways.get(target)!;
      const k = keys.get(target)!;
      const key = c.key === 'none' ? null : c.key === 'revoked' ? k.revoked : c.key === 'bogus' ? 'dg-key_0123456789ab-AAAA' : k.good;
      const path = c.path ?? (c.dialect === 'anthropic' ? '/v1/messages' : '/v1/chat/completions');
      const res = await fetch(t.gw.url + path, { method: 'POST', headers: headersFor(c.dialect, key, c.contentType), body: c.body });
      const body = (await res.json()) as any;
      assert.equal(res.status, c.status, JSON.stringify(body));
      assert.equal(res.headers.get('x-distillguard-error-code'), c.code);
      if (c.dialect === 'openai') {
        assert.equal(body.error.code, c.code);
        assert.equal(typeof body.error.message, 'string');
        assert.equal(typeof body.error.type, 'string');
        assert.ok('param' in body.error);
        if (c.param) assert.equal(body.error.param, c.param);
      } else {
        assert.equal(body.type, 'error');
        assert.equal(typeof body.error.type, 'string');
        assert.equal(typeof body.error.message, 'string');
      }
    });
  }

  test('a native upstream error is relayed as it was sent', async () => {
    const native = await startUpstream((_req, _body, res) =>
      sendJson(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'upstream says slow down' } }),
    );
    const t = await startTestGateway({ upstream: native.url });
    try {
      const res = await fetch(`${t.gw.url}/v1/messages`, { method: 'POST', headers: headersFor('anthropic', t.keyFor('a', 'org')), body: msg() });
      assert.equal(res.status, 429);
      assert.deepEqual(await res.json(), { type: 'error', error: { type: 'rate_limit_error', message: 'upstream says slow down' } });
    } finally {
      await t.close();
      await native.close();
    }
  });

  test('rejected requests are still written as events with their status', async () => {
    const t = await startTestGateway();
    await fetch(`${t.gw.url}/v1/chat/completions`, { method: 'POST', headers: headersFor('openai', null), body: chat() });
    await fetch(`${t.gw.url}/v1/chat/completions`, { method: 'POST', headers: headersFor('openai', t.keyFor('acct_x', 'org')), body: '{bad' });
    const events = await t.stopAndReadEvents();
    assert.deepEqual(events.map((e) => e.response.status).sort(), [400, 401]);
    assert.ok(events.some((e) => e.account_id === 'unauthenticated'));
    assert.ok(events.some((e) => e.account_id === 'acct_x' && e.response.status === 400), 'a bad body with a good key is attributed to its account');
  });
});
