import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReportHtml } from '../../src/report/html.ts';
import { escapeHtml, jsonForScript } from '../../src/report/escape.ts';
import { buildReport, RejectionLog } from '../../src/report/report-v1.ts';

const HOSTILE = '<script>alert("x")</script>';

function hostileReport() {
  const rejections = new RejectionLog();
  rejections.add('events', 3, '<img src=x onerror=alert(1)>', `bad ${HOSTILE}`);
  const flagged = { verdict: 'distillation' as const, risk: 0.97, campaign_id: `camp_${HOSTILE}`, first_flagged_at: '2026-10-01T03:12:44.120Z' };
  return buildReport({
    generatedAt: new Date('2026-11-26T12:00:00Z'),
    events: 20,
    accountRecords: null,
    rejections,
    results: {
      accounts: [
        { account_id: `acct_${HOSTILE}`, ...flagged, signals: [{ name: `sig_</script><script>alert(2)</script>`, value: 0.9, contribution: 1.2 }] },
        { account_id: 'acct_2', ...flagged, signals: [] },
        { account_id: 'acct_3', verdict: 'benign', risk: 0.05, campaign_id: null, first_flagged_at: null, signals: [{ name: 'volume_log', value: 0.1, contribution: -0.4 }] },
      ],
      campaigns: [
        {
          campaign_id: `camp_${HOSTILE}`,
          kind: 'distillation',
          accounts: [`acct_${HOSTILE}`, 'acct_2'],
          risk: 0.99,
          first_seen: '2026-10-01T00:00:05.423Z',
          first_flagged_at: '2026-10-01T02:58:10.002Z',
          evidence: [{ type: 'template', detail: `prompt "${HOSTILE}" shared by 2 accounts` }],
        },
      ],
    },
  });
}

test('escapeHtml escapes markup and quotes', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('jsonForScript cannot close its script element and parses back to the same value', () => {
  const value = { s: '</script><!-- \u2028 &' };
  const text = jsonForScript(value);
  assert.equal(/[<>&\u2028]/.test(text), false);
  assert.deepEqual(JSON.parse(text), value);
});

test('the HTML report escapes hostile ids, evidence, signal names and rejected lines', () => {
  const html = renderReportHtml(hostileReport());
  // the only script elements are the page's own two
  assert.equal(html.match(/<script/g)!.length, 2);
  assert.equal(html.includes('alert("x")</script>'), false);
  assert.equal(html.includes('<img src=x'), false);
  assert.ok(html.includes('acct_&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  assert.ok(html.includes('prompt &quot;&lt;script&gt;'));
});

test('the HTML report is self-contained: no external src, href, import or url()', () => {
  const html = renderReportHtml(hostileReport());
  assert.equal(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i.test(html), false);
  assert.equal(/<link\b/i.test(html), false);
  assert.equal(/@import|url\(/i.test(html), false);
  assert.ok(html.startsWith('<!doctype html>'));
});

test('the HTML report shows the summary, the charts, the campaign with members and evidence, and the signal data', () => {
  const html = renderReportHtml(hostileReport());
  assert.ok(html.includes('Accounts flagged over time'));
  assert.ok(html.includes('Campaigns: first seen'));
  assert.ok((html.match(/<svg/g) ?? []).length >= 3);
  assert.ok(html.includes('acct_2'));
  assert.ok(html.includes('shared by 2 accounts'));
  assert.ok(html.includes('Rejected lines (1'));
  const data = html.match(/<script type="application\/json" id="signals-data">(.*?)<\/script>/s)![1]!;
  const signals = JSON.parse(data);
  assert.equal(signals.length, 3);
  assert.equal(signals[0][0].name, 'sig_</script><script>alert(2)</script>');
});

test('the accounts table lists every flagged account but caps the benign ones', () => {
  const r = hostileReport();
  const html = renderReportHtml(r, { maxBenignRows: 0 });
  assert.equal((html.match(/<tr class="acct"/g) ?? []).length, 2);
});
