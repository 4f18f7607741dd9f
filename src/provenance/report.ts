// The evidence report: the result as JSON (machine-readable, the same object `--json` prints) and as one
// self-contained HTML page (inline CSS, no scripts, no external resources) that counsel can open and file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProvenanceResult } from './evidence.ts';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A p-value as text, also when it is too small for a double (then from its log10). */
export function formatPValue(p: number, log10p: number): string {
  if (p >= 1e-4) return p.toPrecision(3);
  if (p > 0) return p.toExponential(2);
  return `10^${log10p.toFixed(1)}`;
}

function verdict(r: ProvenanceResult): string {
  if (r.tokens_scored === 0 && r.canary_hits === 0) return 'No evidence either way: no scorable words and no canary hits.';
  const parts: string[] = [];
  if (r.p_value < 1e-6) parts.push('The watermark is present far beyond chance (p < 1e-6).');
  else if (r.p_value < 0.01) parts.push('The watermark is present at the 1 % level.');
  else parts.push('The watermark is not detected at the 1 % level.');
  if (r.canary_hits > 0) parts.push(`${r.canary_hits} canary hit(s) reproduce invented markers planted only in our responses.`);
  return parts.join(' ');
}

export function renderHtmlReport(r: ProvenanceResult): string {
  const row = (k: string, v: string): string => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;
  const keyRows = r.watermark.keys
    .map((k) => `<tr><td>${escapeHtml(k.key_id)}</td><td>${k.tokens_scored}</td><td>${k.matches}</td><td>${k.match_rate.toFixed(4)}</td><td>${k.z.toFixed(2)}</td><td>${escapeHtml(formatPValue(k.p_value, k.log10_p_value))}</td></tr>`)
    .join('');
  const hitRows = r.canary_hit_list
    .map((h) => `<tr><td>${escapeHtml(h.campaign_id)}</td><td>${escapeHtml(h.kind)}</td><td>${escapeHtml(h.marker)}</td><td>${h.sample}</td></tr>`)
    .join('');
  const source = Object.entries(r.source)
    .map(([k, v]) => row(k, typeof v === 'string' ? v : JSON.stringify(v)))
    .join('');
  const excerpts = r.excerpts.map((e) => `<pre>${escapeHtml(e)}</pre>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>distillguard provenance report</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5;width:30%}.verdict{padding:.8rem 1rem;background:#f0f4ff;border-left:4px solid #3355cc}
pre{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:.5rem}
</style></head><body>
<h1>Provenance report (${escapeHtml(r.kind)})</h1>
<p class="verdict">${escapeHtml(verdict(r))}</p>
<h2>Watermark test</h2>
<table>
${row('p-value', formatPValue(r.p_value, r.log10_p_value))}
${row('log10 p-value', r.log10_p_value.toFixed(2))}
${row('test', r.test)}
${row('scored observations (de-duplicated)', String(r.tokens_scored))}
${row('match rate (1/2 expected without the watermark)', r.watermark.match_rate.toFixed(4))}
${row('effect size', `excess match rate ${r.effect_size.excess_match_rate.toFixed(4)}, Cohen's h ${r.effect_size.cohens_h.toFixed(3)}`)}
${row('samples / words scanned', `${r.watermark.samples} / ${r.watermark.words_scanned}`)}
${row('candidate words seen / repeats folded', `${r.watermark.candidates_seen} / ${r.watermark.duplicates_skipped}`)}
</table>
<p>How to read this: each scored observation is a synonym-pair word in a distinct two-word context. Without our
watermark the word agrees with our secret key's choice with probability exactly 1/2, independently across contexts,
so the number of agreements follows a binomial distribution; the p-value is the exact chance of at least this
many agreements if the text owed nothing to our watermarked outputs.</p>
<h3>By key</h3>
<table><tr><th>key</th><th>scored</th><th>matches</th><th>match rate</th><th>z</th><th>p (uncorrected)</th></tr>${keyRows}</table>
<h2>Canaries</h2>
<p>${r.canary_hits} hit(s) among ${r.canaries_checked} recorded canaries.${r.implicated_campaigns.length ? ` Campaigns implicated: ${escapeHtml(r.implicated_campaigns.join(', '))}.` : ''}</p>
${hitRows ? `<table><tr><th>campaign</th><th>kind</th><th>marker</th><th>sample</th></tr>${hitRows}</table>` : ''}
${excerpts ? `<h3>Excerpts</h3>${excerpts}` : ''}
<h2>Source</h2>
<table>${source}${row('generated at', r.generated_at)}</table>
</body></html>
`;
}

/** Writes report.json and report.html into `dir`; returns their paths. */
export function writeReport(dir: string, r: ProvenanceResult): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'provenance-report.json');
  const html = join(dir, 'provenance-report.html');
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(html, renderHtmlReport(r));
  return { json, html };
}
