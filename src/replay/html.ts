// replay.html: one self-contained page (inline CSS and SVG, no scripts) with the targets, the outcome of each
// class's requests and the campaigns' reasoning tokens delivered vs withheld.
import { escapeHtml } from '../report/escape.ts';
import { barChart, CHART_CSS, PALETTE } from '../report/svg.ts';
import { LEAK_BUCKETS, type LeakBucket, type LeakGroup, type LeakReport } from './leaks.ts';
import type { ReplayReport } from './run-replay.ts';
import type { GroupResult, TargetCheck } from './tally.ts';

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(v < 0.01 ? 3 : 1)} %`);

export function renderReplayHtml(report: ReplayReport): string {
  const s = report.summary;
  const outcomeBars = Object.entries(s.per_class).flatMap(([cls, g]) => outcomeBarsOf(cls, g));
  const campaignBars = Object.entries(s.per_campaign).map(([id, g]) => {
    const total = g.reasoning_tokens_delivered + g.reasoning_tokens_withheld;
    const share = total > 0 ? g.reasoning_tokens_withheld / total : 0;
    return { label: id, value: share, color: PALETTE[3], text: `${pct(share)} of ${total.toLocaleString('en-US')}` };
  });
  const t = s.targets;
  const targetRows = [
    row('Attacker reasoning tokens after each campaign\'s first hour, withheld or degraded', t.attacker_reasoning_withheld_share, '≥', pct),
    row('Benign requests affected by any action', t.benign_affected_share, '≤', pct),
    row('Benign accounts suspended', t.benign_accounts_suspended, '≤', (v) => (v === null ? 'n/a' : String(v))),
  ].join('');
  const personas = s.benign ? Object.entries(s.benign.personas_affected) : [];
  const leaks = report.leaks ? leakTable(report.leaks) : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>distillguard replay</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#111827;max-width:980px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #e5e7eb;padding:4px 8px;text-align:left}
.met{color:#059669;font-weight:600}.missed{color:#dc2626;font-weight:600}.na{color:#6b7280}
${CHART_CSS}
</style></head><body>
<h1>distillguard replay</h1>
<p>${report.requests.toLocaleString('en-US')} events replayed through ${escapeHtml(report.gateway)} at ${report.speed === null ? 'full speed' : `${report.speed}x`}
(concurrency ${report.concurrency}${report.detector_lag_seconds === null ? '' : `, detector held within ${report.detector_lag_seconds} s of log time`}), ${escapeHtml(report.started_at)} to ${escapeHtml(report.finished_at)};
log ${escapeHtml(report.log_span.first_ts ?? '')} to ${escapeHtml(report.log_span.last_ts ?? '')}.
${report.answered.toLocaleString('en-US')} answered, ${report.transport_errors.toLocaleString('en-US')} transport errors.</p>
<h2>Targets</h2>
<table><tr><th>measure</th><th>value</th><th>target</th><th></th></tr>${targetRows}</table>
<h2>Requests per class</h2>
${barChart(outcomeBars, { title: 'share of requests: served in full / degraded / blocked', max: 1, format: pct })}
<h2>Campaigns</h2>
${barChart(campaignBars, { title: 'reasoning tokens withheld or degraded, per campaign', max: 1, marker: { value: 0.9, label: 'target 90 %' } })}
${leaks}
${personas.length > 0 ? `<h2>Benign personas affected</h2><table><tr><th>persona</th><th>requests affected</th></tr>${personas.map(([p, n]) => `<tr><td>${escapeHtml(p)}</td><td>${n}</td></tr>`).join('')}</table>` : ''}
</body></html>
`;
}

/** Where the attacker reasoning served in full after the first hour went, per attack type (docs/replay.md). */
function leakTable(leaks: LeakReport): string {
  const names: Record<LeakBucket, string> = { undetected: 'undetected', member_uncovered: 'member not covered', lag: 'lag', not_withholding: 'nothing withheld' };
  const total = leaks.totals.reasoning_total;
  const share = (v: number) => pct(total > 0 ? v / total : null);
  const line = (name: string, g: LeakGroup) =>
    `<tr><td>${escapeHtml(name)}</td><td>${g.reasoning_total.toLocaleString('en-US')}</td><td>${share(g.reasoning_withheld)}</td>${LEAK_BUCKETS.map((b) => `<td>${share(g.leaked[b])}</td>`).join('')}</tr>`;
  return `<h2>Where attacker reasoning leaked</h2>
<p>Shares of all attacker reasoning tokens after each campaign's first hour.</p>
<table><tr><th>attack</th><th>reasoning tokens</th><th>withheld</th>${LEAK_BUCKETS.map((b) => `<th>${names[b]}</th>`).join('')}</tr>
${Object.entries(leaks.per_attack).map(([k, g]) => line(k, g)).join('\n')}
${line('all', leaks.totals)}</table>`;
}

function outcomeBarsOf(cls: string, g: GroupResult) {
  const n = Math.max(1, g.requests);
  return [
    { label: `${cls} full`, value: g.served_full / n, color: PALETTE[0], text: `${pct(g.served_full / n)} (${g.served_full})` },
    { label: `${cls} degraded`, value: g.degraded / n, color: PALETTE[2], text: `${pct(g.degraded / n)} (${g.degraded})` },
    { label: `${cls} blocked`, value: g.blocked / n, color: PALETTE[1], text: `${pct(g.blocked / n)} (${g.blocked})` },
  ];
}

function row(name: string, t: TargetCheck, op: string, fmt: (v: number | null) => string): string {
  const verdict = t.met === null ? '<span class="na">no data</span>' : t.met ? '<span class="met">met</span>' : '<span class="missed">missed</span>';
  return `<tr><td>${escapeHtml(name)}</td><td>${fmt(t.value)}</td><td>${op} ${fmt(t.target)}</td><td>${verdict}</td></tr>`;
}
