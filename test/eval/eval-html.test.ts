import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderEvalHtml } from '../../src/eval/eval-html.ts';
import { computeMetrics, ServedTally } from '../../src/eval/metrics.ts';

test('the eval page is self-contained, shows the targets and escapes labels', () => {
  const hostile = '<script>alert(1)</script>';
  const metrics = computeMetrics(
    {
      accounts: { a: { class: 'distillation', persona: hostile, campaign_id: 'c' }, b: { class: 'benign', persona: 'casual', campaign_id: null } },
      campaigns: { c: { kind: 'distillation', attack: hostile, started_at: '2026-10-01T00:00:00.000Z' } },
    },
    [
      { account_id: 'a', verdict: 'distillation', risk: 0.9, campaign_id: null, first_flagged_at: '2026-10-01T01:00:00.000Z', signals: [] },
      { account_id: 'b', verdict: 'benign', risk: 0.1, campaign_id: null, first_flagged_at: null, signals: [] },
    ],
    new ServedTally(),
  );
  const html = renderEvalHtml({ version: 1, generated_at: '2026-11-27T00:00:00.000Z', source: { scenario: hostile }, events: 2, params_provenance: 'test', metrics });
  assert.equal(html.includes('<script'), false);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.equal(/\b(src|href)\s*=/i.test(html), false);
  assert.ok(html.includes('benign_fpr_max'));
  assert.ok((html.match(/<svg/g) ?? []).length >= 4);
});
