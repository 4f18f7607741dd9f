// Tier gates refuse or cap what a tier does not allow; rate limits per key, account and group answer 429
// with OpenAI-style headers; unknown request fields pass through untouched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { chatCompletionBody, sendJson, startUpstream, type TestUpstream } from '../helpers/upstreams.ts';

const post = (url: string, key: string, body: object) =>
  fetch(url + '/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const ask = (o: object = {}) => ({ model: 'm1', messages: [{ role: 'user', content: 'hello' }], ...o });

describe('tier gates', () => {
  let up: TestUpstream;
  let t: TestGateway;
  before(async () => {
    up = await startUpstream((_req, body, res) => sendJson(res, 200, chatCompletionBody(body.model)));
    t = await startTestGateway({ upstream: up.url });
  });
  after(async () => {
    await t.close();
    await up.close();
  });

  test('logprobs at tier none is refused with 403 naming the feature and the tier that allows it', async () => {
    const res = await post(t.gw.url, t.keyFor('acct_none', 'none'), ask({ logprobs: true, top_logprobs: 3 }));
    const body = (await res.json()) as any;
    assert.equal(res.status, 403);
    assert.equal(body.error.code, 'DG_ERR_FEATURE_NOT_ALLOWED');
    assert.equal(body.error.param, 'logprobs');
    assert.match(body.error.message, /'none'/);
    assert.match(body.error.message, /'email'/);
  });

  test('logit_bias needs tier id', async () => {
    const res = await post(t.gw.url, t.keyFor('acct_phone', 'phone'), ask({ logit_bias: { '50256': -100 } }));
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as any).error.message, /'id'/);
  });

  test('max_tokens above the ceiling is capped before forwarding; absent max_tokens gets the ceiling', async () => {
    const key = t.keyFor('acct_email', 'email');
    up.received.length = 0;
    assert.equal((await post(t.gw.url, key, ask({ max_tokens: 100_000 }))).status, 200);
    assert.equal(up.received[0].body.max_tokens, 8192);
    assert.equal((await post(t.gw.url, key, ask())).status, 200);
    assert.equal(up.received[1].body.max_completion_tokens, 8192);
  });

  test('n above the ceiling is refused', async () => {
    const res = await post(t.gw.url, t.keyFor('acct_none2', 'none'), ask({ n: 3 }));
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as any).error.param, 'n');
  });

  test('unknown request fields reach the upstream untouched', async () => {
    up.received.length = 0;
    await post(t.gw.url, t.keyFor('acct_org', 'org'), ask({ vendor_extension: { a: [1, 2, { b: 'c' }] }, temperature: 0.3 }));
    assert.deepEqual(up.received[0].body.vendor_extension, { a: [1, 2, { b: 'c' }] });
    assert.equal(up.received[0].body.temperature, 0.3);
    assert.equal(up.received[0].headers.authorization, undefined, "the caller's key never goes upstream");
  });
});

describe('rate limits', () => {
  let up: TestUpstream;
  before(async () => {
    // Answers after a pause, so that parallel requests are all in flight at once.
    up = await startUpstream(async (_req, body, res) => {
      await new Promise((r) => setTimeout(r, 200));
      sendJson(res, 200, chatCompletionBody(body.model));
    });
  });
  after(() => up.close());

  test('requests per minute per key: the next request gets 429 with retry-after and x-ratelimit headers', async () => {
    const t = await startTestGateway({ upstream: up.url, config: { tiers: { email: { key: { rpm: 3, tpm: null }, account: { rpm: null, tpm: null } } } } });
    try {
      const key = t.keyFor('acct_rl', 'email');
      const ok = await post(t.gw.url, key, ask());
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-ratelimit-limit-requests'), '3');
      assert.equal(ok.headers.get('x-ratelimit-remaining-requests'), '2');
      await post(t.gw.url, key, ask());
      await post(t.gw.url, key, ask());
      const limited = await post(t.gw.url, key, ask());
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      const body = (await limited.json()) as any;
      assert.equal(body.error.code, 'DG_ERR_RATE_LIMITED');
      assert.equal(body.error.type, 'rate_limit_error');
      // a second key of the same account has its own key budget
      const other = t.keyFor('acct_rl', 'email');
      assert.equal((await post(t.gw.url, other, ask())).status, 200);
    } finally {
      await t.close();
    }
  });

  test('tokens are reserved at admission, so parallel requests cannot overrun the token limit', async () => {
    // This upstream holds every answer until each of the ten requests is either at the upstream or refused, so
    // all are in flight at once however slowly the machine runs them (a fixed pause does not ensure that).
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const held = await startUpstream(async (_req, body, res) => {
      await released;
      sendJson(res, 200, chatCompletionBody(body.model));
    });
    const t = await startTestGateway({ upstream: held.url, config: { tiers: { org: { account: { rpm: null, tpm: 10_000 }, key: { rpm: null, tpm: null } } } } });
    try {
      const key = t.keyFor('acct_tpm', 'org');
      let answered = 0;
      const results = Array.from({ length: 10 }, () => post(t.gw.url, key, ask({ max_tokens: 3000 })).then((r) => (answered++, r)));
      while (answered + held.received.length < 10) await new Promise((r) => setTimeout(r, 10));
      release();
      const statuses = (await Promise.all(results)).map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 3, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 429).length, 7);
    } finally {
      release();
      await t.close();
      await held.close();
    }
  });

  test('accounts in one group share one budget', async () => {
    const t = await startTestGateway({ upstream: up.url, config: { group: { rpm: 4, tpm: null } } });
    try {
      const keys = ['acct_g1', 'acct_g2', 'acct_g3'].map((id) => {
        const k = t.keyFor(id, 'org');
        t.gw.store.setGroup(id, 'camp_test');
        return k;
      });
      t.gw.cache.reload();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await post(t.gw.url, keys[i % 3], ask())).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    } finally {
      await t.close();
    }
  });
});
