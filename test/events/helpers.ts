// Shared builders for the events tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { LogEventV1 } from '../../src/events/types.ts';

/** A fresh temporary directory, removed when the test file ends. */
export function tempDir(prefix = 'dg-events-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The i-th event of a deterministic stream: distinct request ids, a few accounts, growing timestamps. */
export function makeEvent(i: number): LogEventV1 {
  return {
    ts: new Date(Date.UTC(2026, 9, 1) + i * 10).toISOString(),
    request_id: `req_${i}`,
    account_id: `acct_${i % 13}`,
    org_id: i % 2 === 0 ? `org_${i % 3}` : null,
    key_id: `key_${i % 13}`,
    client: { ip: `10.0.${i % 250}.1`, asn: 64512, user_agent: 'openai-python/1.54.3', ja4: null },
    endpoint: '/v1/chat/completions',
    model: 'frontier-large',
    params: { max_tokens: 256, temperature: 0.2 },
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: `question ${i}: why is the sky blue? ünïcödé 中文` },
    ],
    response: { status: 200, input_tokens: 20 + (i % 5), output_tokens: 100, reasoning_tokens: null, finish_reason: 'stop', latency_ms: 150 },
  };
}
