// The gateway as a process: `serve` starts, answers, and on SIGTERM writes every accepted event before exiting.
// Client disconnects mid-stream abort the upstream and are recorded as 499.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { startTestGateway } from '../helpers/gateway.ts';
import { startUpstream } from '../helpers/upstreams.ts';

const CLI = join(import.meta.dirname, '..', 'cli', 'cli-entry.ts');

/** Resolves with stdout once every pattern has appeared in it. */
function waitForOutput(child: ReturnType<typeof spawn>, patterns: RegExp[]): Promise<RegExpMatchArray[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${patterns.join(', ')}; got:\n${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const matches = patterns.map((p) => out.match(p));
      if (matches.every((m) => m !== null)) {
        clearTimeout(timer);
        resolve(matches as RegExpMatchArray[]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before the banner:\n${out}`)));
  });
}

test('serve flushes every accepted event on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dg-serve-'));
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', '--admin-port', '0', '--data-dir', dataDir, '--demo-delay-ms', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DISTILLGUARD_LOG_LEVEL: 'silent' },
  });
  try {
    const [[, url], [, key]] = await waitForOutput(child, [/distillguard gateway\s+(http:\/\/\S+)/, /demo API key\s+(\S+)/]);
    const n = 150;
    const statuses = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'demo-small', max_tokens: 100, stream: i % 2 === 0, messages: [{ role: 'user', content: `message ${i}` }] }),
        }).then(async (r) => {
          await r.text();
          return r.status;
        }),
      ),
    );
    assert.deepEqual(statuses.filter((s) => s !== 200), []);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const files = readdirSync(join(dataDir, 'events')).filter((f) => f.endsWith('.jsonl'));
    const lines = files.flatMap((f) => readFileSync(join(dataDir, 'events', f), 'utf8').split('\n').filter(Boolean));
    assert.equal(lines.length, n);
    const ids = new Set(lines.map((l) => JSON.parse(l).request_id));
    assert.equal(ids.size, n);
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a client that disconnects mid-stream aborts the upstream and is recorded as 499', async () => {
  let upstreamClosed!: () => void;
  const upstreamSawClose = new Promise<void>((r) => (upstreamClosed = r));
  const up = await startUpstream((req, _body, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'tick ' }, finish_reason: null }] })}\n\n`), 20);
    res.on('close', () => {
      clearInterval(timer);
      upstreamClosed();
    });
    void req;
  });
  const t = await startTestGateway({ upstream: up.url });
  try {
    const controller = new AbortController();
    const res = await fetch(`${t.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keyFor('acct_dc', 'org')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'go on forever' }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    await upstreamSawClose;
    const events = await t.stopAndReadEvents();
    assert.equal(events.length, 1);
    assert.equal(events[0].response.status, 499);
  } finally {
    await up.close();
  }
});

test('an event carries client address, user agent, JA4 header, params and messages', async () => {
  const t = await startTestGateway({ config: { server: { trusted_proxies: ['127.0.0.1'], ja4_header: 'x-edge-ja4' } } });
  const key = t.keyFor('acct_ev', 'org', 'org_ev');
  await fetch(`${t.gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'user-agent': 'test-agent/1.0', 'x-forwarded-for': '203.0.113.77', 'x-edge-ja4': 't13d1516h2_8daaf6152771_02713d6af862' },
    body: JSON.stringify({ model: 'demo-small', max_tokens: 300, system: 'Be terse.', temperature: 0.2, messages: [{ role: 'user', content: [{ type: 'text', text: 'part one' }, { type: 'text', text: 'part two' }] }] }),
  }).then((r) => r.text());
  const [ev] = await t.stopAndReadEvents();
  assert.equal(ev.account_id, 'acct_ev');
  assert.equal(ev.org_id, 'org_ev');
  assert.match(ev.key_id ?? '', /^key_[0-9a-f]{12}$/);
  assert.equal(ev.client.ip, '203.0.113.77');
  assert.equal(ev.client.user_agent, 'test-agent/1.0');
  assert.equal(ev.client.ja4, 't13d1516h2_8daaf6152771_02713d6af862');
  assert.equal(ev.endpoint, '/v1/messages');
  assert.equal(ev.params.temperature, 0.2);
  assert.equal(ev.params.max_tokens, 300);
  assert.deepEqual(ev.messages, [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'part one\npart two' }]);
  assert.equal(ev.response.status, 200);
  assert.ok((ev.response.input_tokens ?? 0) > 0 && (ev.response.output_tokens ?? 0) > 0);
  assert.equal(ev.response.finish_reason, 'stop');
  assert.ok(typeof ev.response.latency_ms === 'number');
});

test('logs never contain API keys, admin tokens or prompt text', async () => {
  const lines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) });
  const t = await startTestGateway({ log, upstream: 'http://127.0.0.1:9' });
  const key = t.keyFor('acct_log', 'org');
  const prompt = 'SECRET-PROMPT-TEXT-7f3a';
  for (const stream of [false, true]) {
    await fetch(`${t.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream, messages: [{ role: 'user', content: prompt }] }),
    }).then((r) => r.text());
  }
  await fetch(`${t.gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}x` }, body: '{' }).then((r) => r.text());
  const adminToken = t.gw.adminToken;
  await t.close();
  const all = lines.join('\n');
  assert.ok(lines.length > 0, 'something was logged');
  assert.ok(all.includes('request failed'), 'the upstream failure was logged');
  for (const secret of [key, prompt, adminToken]) assert.ok(!all.includes(secret), `log leaked ${secret.slice(0, 12)}…`);
});

test('a slow reader gets the whole stream through backpressure, and one that stalls and leaves is recorded as 499', async () => {
  // ~4 MB of events, far more than the socket buffers between upstream, gateway and client hold
  const chunk = (i: number) => `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `${i} ${'word '.repeat(400)}` }, finish_reason: null }] })}\n\n`;
  const total = 2000;
  let upstreamClosed = 0;
  const up = await startUpstream(async (_req, _body, res) => {
    res.on('close', () => upstreamClosed++);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 0; i < total; i++) if (!res.write(chunk(i))) await new Promise((r) => res.once('drain', r));
    res.end('data: [DONE]\n\n');
  });
  const t = await startTestGateway({ upstream: up.url });
  try {
    const key = t.keyFor('acct_slow', 'org');
    const ask = (signal?: AbortSignal) =>
      fetch(`${t.gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'a lot' }] }),
        signal,
      });
    const slow = await ask();
    const reader = slow.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    for (let reads = 0; ; reads++) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (reads % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(text, Array.from({ length: total }, (_, i) => chunk(i)).join('') + 'data: [DONE]\n\n');

    const controller = new AbortController();
    const stalled = await ask(controller.signal);
    await stalled.body!.getReader().read();
    await new Promise((r) => setTimeout(r, 200)); // the gateway is now waiting for the client to drain
    controller.abort();
    // the gateway records the request of the caller that left (and cancels its upstream request)
    while (upstreamClosed < 2 || t.gw.queue.depth + t.gw.queue.written < 2) await new Promise((r) => setTimeout(r, 10));
    const events = await t.stopAndReadEvents();
    assert.deepEqual(events.map((e) => e.response.status), [200, 499]);
  } finally {
    await up.close();
  }
});
