// Provenance marks at the gateway: the keyed watermark on JSON and streamed answers (same text either way,
// stream framing kept), code left alone, per-campaign keys, canaries for chosen campaigns, and unmarked
// traffic passed byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { allKeys, keyFor, readKeys } from '../../src/provenance/keys.ts';
import { watermarkText } from '../../src/provenance/watermark.ts';
import { loadCanaries } from '../../src/provenance/canaries.ts';
import { scoreCorpus } from '../../src/provenance/detect.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startUpstream, type TestUpstream } from '../helpers/upstreams.ts';

const PROSE = [
  'Teams usually start by reviewing the current plan, and they often find that the main problem is quickly visible.',
  'Perhaps the simplest approach is to begin with a small change, because large changes are rarely easy to reverse.',
  'In practice the results are typically clear after roughly two weeks, and the team can then decide whether to continue.',
  'It is especially useful to write down what you expected, since memory is frequently wrong about such details.',
  'The code below shows the idea:',
  '```python\nresult = quickly_compute(usually=True)  # often used\n```',
  'Finally, remember that the goal is basically to learn, and that mistakes are nearly always part of the process.',
].join(' ');

function chunksOf(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

describe('provenance marks through the gateway', () => {
  let up: TestUpstream;
  before(async () => {
    up = await startUpstream((_req, body, res) => {
      if (!body.stream) {
        return sendJson(res, 200, { id: 'c', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: PROSE }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 100, total_tokens: 105 } });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of chunksOf(PROSE)) res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  after(() => up.close());

  async function chat(t: TestGateway, key: string, stream: boolean): Promise<{ text: string; events: number }> {
    const client = new OpenAI({ apiKey: key, baseURL: `${t.gw.url}/v1`, maxRetries: 0 });
    if (!stream) {
      const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'advice?' }] });
      return { text: r.choices[0].message.content ?? '', events: 1 };
    }
    const s = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'advice?' }] });
    let text = '';
    let events = 0;
    for await (const c of s) {
      events++;
      text += c.choices[0]?.delta?.content ?? '';
    }
    return { text, events };
  }

  test('watermark all: JSON and stream carry the same marked text; framing and code blocks kept; detectable', async () => {
    const t = await startTestGateway({ upstream: up.url, config: { provenance: { watermark: 'all' } } });
    try {
      const key = t.keyFor('acct_wm', 'org');
      const json = await chat(t, key, false);
      const streamed = await chat(t, key, true);
      assert.notEqual(json.text, PROSE, 'some words were substituted');
      assert.equal(streamed.text, json.text, 'the stream carries exactly the JSON answer');
      assert.equal(streamed.events, chunksOf(PROSE).length + 1, 'one chunk out per chunk in');
      assert.ok(json.text.includes('```python\nresult = quickly_compute(usually=True)  # often used\n```'), 'code untouched');
      const changed = json.text.split(/\s+/).filter((w, i) => w !== PROSE.split(/\s+/)[i]).length;
      assert.ok(changed / PROSE.split(/\s+/).length <= 0.05 + 1e-9, `changed ${changed} words`);
      const keys = allKeys(readKeys(t.dataDir));
      // The substitutions move scored words toward the provider key's choices.
      const provider = (text: string) => scoreCorpus([text], keys).keys.find((k) => k.scope === 'provider')!;
      assert.ok(provider(json.text).matches > provider(PROSE).matches, 'marked text agrees with the key more often');
    } finally {
      await t.close();
    }
  });

  test('a stream whose bytes arrive cut inside escapes and multi-byte characters is marked like the whole text', async () => {
    const answer = `${PROSE} Très "often" 很大 😀 usually\\large.\nIt seems obvious.`;
    const events = chunksOf(answer).map((piece) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
    events.push(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`, 'data: [DONE]\n\n');
    const bytes = Buffer.from(events.join(''));
    const cutUp = await startUpstream(async (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // pieces of 1 to 29 bytes, each written in a turn of its own, and every multi-byte character cut
      // after its first byte (a piece that decodes to no text at all)
      const cuts = new Set<number>();
      for (let at = 0, n = 1; at < bytes.length; at += n, n = (n % 29) + 1) cuts.add(at);
      bytes.forEach((b, i) => b >= 0xc0 && (cuts.add(i), cuts.add(i + 1)));
      const sorted = [...cuts, bytes.length].sort((a, b) => a - b);
      for (let k = 0; k + 1 < sorted.length; k++) {
        res.write(bytes.subarray(sorted[k], sorted[k + 1]));
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
    const t = await startTestGateway({ upstream: cutUp.url, config: { provenance: { watermark: 'all' } } });
    try {
      const streamed = await chat(t, t.keyFor('acct_cut', 'org'), true);
      const seed = keyFor(readKeys(t.dataDir)).seed;
      assert.equal(streamed.text, watermarkText(answer, seed).text);
      assert.notEqual(streamed.text, answer);
    } finally {
      await t.close();
      await cutUp.close();
    }
  });

  test('watermark flagged (the default): an unflagged account gets the upstream bytes untouched', async () => {
    const t = await startTestGateway({ upstream: up.url });
    try {
      const key = t.keyFor('acct_clean', 'org');
      assert.equal((await chat(t, key, false)).text, PROSE);
      assert.equal((await chat(t, key, true)).text, PROSE);
    } finally {
      await t.close();
    }
  });

  test('a chosen campaign gets its own key and a recorded canary, in both dialects', async () => {
    const t = await startTestGateway({ config: { provenance: { watermark: 'off', watermark_campaigns: ['camp_x'], canary_campaigns: ['camp_x'] } } });
    try {
      const key = t.keyFor('acct_camp', 'org');
      t.gw.store.setGroup('acct_camp', 'camp_x');
      t.gw.cache.reload();
      const { text } = await chat(t, key, true);
      const canaries = loadCanaries(t.dataDir);
      assert.equal(canaries.length, 1);
      assert.equal(canaries[0].campaign_id, 'camp_x');
      assert.ok(text.endsWith(canaries[0].text), 'the canary closes the answer');
      const keys = readKeys(t.dataDir);
      assert.ok(keys.campaigns.camp_x, 'the campaign got its own watermark key');
      const anthropic = new Anthropic({ apiKey: key, baseURL: t.gw.url, maxRetries: 0 });
      const final = await anthropic.messages.stream({ model: 'demo-small', max_tokens: 300, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      const block = final.content.find((b) => b.type === 'text');
      assert.ok(block && block.type === 'text' && block.text.endsWith(canaries[0].text));
      const other = t.keyFor('acct_other', 'org');
      assert.ok(!(await chat(t, other, false)).text.includes(canaries[0].text), 'other accounts get no canary');
    } finally {
      await t.close();
    }
  });
});
