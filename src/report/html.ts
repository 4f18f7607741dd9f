// The self-contained HTML view of a report v1: one file, no CDN, no external script, style or font.
// Summary numbers, charts of risk over time (inline SVG), campaigns with members and evidence, sortable
// tables, and the signals behind each verdict drawn on demand. All report text is escaped: account ids,
// evidence details and signal names are user-influenced and may hold markup.
import { isFlagged, type AccountResult, type CampaignResult } from '../detect/types.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import type { ReportV1 } from './report-v1.ts';
import { barChart, CHART_CSS, PALETTE, stepChart, timelineChart, type Series } from './svg.ts';

export interface ReportHtmlOptions {
  /** benign accounts listed in the table at most (highest risk first); flagged and suspicious are always listed */
  maxBenignRows?: number;
  title?: string;
}

const KIND_COLOR: Record<string, string> = { distillation: '#dc2626', extraction: '#7c3aed', jailbreak: '#d97706', suspicious: '#eab308', benign: '#9ca3af' };
const VERDICT_ORDER = ['distillation', 'extraction', 'jailbreak', 'suspicious', 'benign'] as const;

export function renderReportHtml(report: ReportV1, opts: ReportHtmlOptions = {}): string {
  const title = opts.title ?? 'distillguard detection report';
  const counts = verdictCounts(report.accounts);
  const listed = accountsToList(report.accounts, opts.maxBenignRows ?? 500);
  const flaggedTotal = counts.distillation + counts.extraction + counts.jailbreak;
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="sub">generated ${escapeHtml(report.generated_at)} · report v${report.version}</p>`,
    summary(report, counts, flaggedTotal),
    '<h2>Risk over time</h2>',
    flaggedOverTime(report.accounts),
    campaignTimeline(report.campaigns),
    riskHistogram(report.accounts),
    `<h2>Campaigns (${report.campaigns.length})</h2>`,
    campaignsTable(report.campaigns),
    `<h2>Accounts</h2><p class="sub">${listed.length.toLocaleString('en-US')} of ${report.accounts.length.toLocaleString('en-US')} accounts listed: every flagged and suspicious account and the ${Math.min(
      opts.maxBenignRows ?? 500,
      counts.benign,
    ).toLocaleString('en-US')} riskiest benign ones. Click a row for the signals behind its verdict; click a column title to sort.</p>`,
    accountsTable(listed),
    rejectedSection(report),
  ].join('\n');
  const signals = listed.map((a) => a.signals);
  return page(title, body, signals);
}

function verdictCounts(accounts: AccountResult[]): Record<(typeof VERDICT_ORDER)[number], number> {
  const c = { distillation: 0, extraction: 0, jailbreak: 0, suspicious: 0, benign: 0 };
  for (const a of accounts) c[a.verdict]++;
  return c;
}

function accountsToList(accounts: AccountResult[], maxBenign: number): AccountResult[] {
  const notBenign = accounts.filter((a) => a.verdict !== 'benign');
  const benign = accounts.filter((a) => a.verdict === 'benign').sort((a, b) => b.risk - a.risk).slice(0, maxBenign);
  return [...notBenign.sort((a, b) => b.risk - a.risk), ...benign];
}

function summary(r: ReportV1, counts: Record<string, number>, flagged: number): string {
  const cell = (label: string, value: number | string, cls = '') => `<div class="card ${cls}"><div class="n">${escapeHtml(typeof value === 'number' ? value.toLocaleString('en-US') : value)}</div><div class="l">${escapeHtml(label)}</div></div>`;
  return (
    '<div class="cards">' +
    cell('events read', r.input.events) +
    cell('accounts', r.input.accounts) +
    cell('lines rejected', r.input.rejected, r.input.rejected > 0 ? 'warn' : '') +
    cell('flagged accounts', flagged, flagged > 0 ? 'bad' : '') +
    cell('distillation', counts.distillation) +
    cell('extraction', counts.extraction) +
    cell('jailbreak', counts.jailbreak) +
    cell('suspicious', counts.suspicious) +
    cell('campaigns', r.campaigns.length) +
    '</div>'
  );
}

/** Cumulative flagged accounts by first_flagged_at, one line per verdict and one for all. */
function flaggedOverTime(accounts: AccountResult[]): string {
  const byKind = new Map<string, number[]>();
  const all: number[] = [];
  for (const a of accounts) {
    if (a.first_flagged_at === null) continue;
    const t = Date.parse(a.first_flagged_at);
    all.push(t);
    if (isFlagged(a.verdict)) {
      const list = byKind.get(a.verdict) ?? [];
      list.push(t);
      byKind.set(a.verdict, list);
    }
  }
  const cumulative = (times: number[]): [number, number][] => times.sort((x, y) => x - y).map((t, i) => [t, i + 1]);
  const series: Series[] = [{ label: 'ever flagged', points: cumulative(all), color: '#111827' }];
  for (const kind of ['distillation', 'extraction', 'jailbreak']) {
    const times = byKind.get(kind);
    if (times) series.push({ label: `now ${kind}`, points: cumulative(times), color: KIND_COLOR[kind] });
  }
  return stepChart(series, { title: 'Accounts flagged over time (cumulative, by first_flagged_at)', xIsTime: true, yLabel: 'accounts' });
}

function campaignTimeline(campaigns: CampaignResult[]): string {
  const shown = [...campaigns].sort((a, b) => Date.parse(a.first_seen) - Date.parse(b.first_seen)).slice(0, 60);
  const spans = shown.map((c) => ({
    label: `${c.campaign_id} (${c.accounts.length})`,
    start: Date.parse(c.first_seen),
    end: c.first_flagged_at === null ? null : Date.parse(c.first_flagged_at),
    color: KIND_COLOR[c.kind],
    tooltip: `${c.campaign_id}: ${c.kind}, ${c.accounts.length} accounts, first seen ${c.first_seen}, first flagged ${c.first_flagged_at ?? 'never'}`,
  }));
  const more = campaigns.length > shown.length ? ` (first ${shown.length} of ${campaigns.length})` : '';
  return timelineChart(spans, { title: `Campaigns: first seen → first flagged (red dot)${more}` });
}

function riskHistogram(accounts: AccountResult[]): string {
  const buckets = new Array<number>(10).fill(0);
  for (const a of accounts) buckets[Math.min(9, Math.floor(a.risk * 10))]!++;
  const bars = buckets.map((n, i) => ({ label: `risk ${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`, value: n, color: i >= 8 ? '#dc2626' : i >= 5 ? '#eab308' : PALETTE[0] }));
  return barChart(bars, { title: 'Accounts by risk', format: (v) => v.toLocaleString('en-US') });
}

function campaignsTable(campaigns: CampaignResult[]): string {
  if (campaigns.length === 0) return '<p class="sub">No campaigns.</p>';
  const rows = [...campaigns]
    .sort((a, b) => b.risk - a.risk)
    .map((c) => {
      const evidence = c.evidence.map((e) => `<li><b>${escapeHtml(e.type)}</b>: ${escapeHtml(e.detail)}</li>`).join('');
      const members = c.accounts.map((m) => `<code>${escapeHtml(m)}</code>`).join(' ');
      return (
        `<tr><td data-v="${escapeHtml(c.campaign_id)}">${escapeHtml(c.campaign_id)}</td>` +
        `<td data-v="${escapeHtml(c.kind)}"><span class="v ${escapeHtml(c.kind)}">${escapeHtml(c.kind)}</span></td>` +
        `<td data-v="${c.accounts.length}" class="r">${c.accounts.length}</td>` +
        `<td data-v="${c.risk}" class="r">${c.risk.toFixed(3)}</td>` +
        `<td data-v="${escapeHtml(c.first_seen)}">${escapeHtml(c.first_seen)}</td>` +
        `<td data-v="${escapeHtml(c.first_flagged_at ?? '')}">${escapeHtml(c.first_flagged_at ?? '—')}</td>` +
        `<td><details><summary>${c.evidence.length} evidence, ${c.accounts.length} members</summary><ul>${evidence}</ul><div class="members">${members}</div></details></td></tr>`
      );
    })
    .join('\n');
  return `<table class="sortable"><thead><tr><th>campaign</th><th>kind</th><th>accounts</th><th>risk</th><th>first seen</th><th>first flagged</th><th>evidence and members</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function accountsTable(accounts: AccountResult[]): string {
  const rows = accounts
    .map(
      (a, i) =>
        `<tr class="acct" data-i="${i}"><td data-v="${escapeHtml(a.account_id)}"><code>${escapeHtml(a.account_id)}</code></td>` +
        `<td data-v="${VERDICT_ORDER.indexOf(a.verdict)}"><span class="v ${escapeHtml(a.verdict)}">${escapeHtml(a.verdict)}</span></td>` +
        `<td data-v="${a.risk}" class="r">${a.risk.toFixed(3)}</td>` +
        `<td data-v="${escapeHtml(a.campaign_id ?? '')}">${escapeHtml(a.campaign_id ?? '—')}</td>` +
        `<td data-v="${escapeHtml(a.first_flagged_at ?? '')}">${escapeHtml(a.first_flagged_at ?? '—')}</td>` +
        `<td>${escapeHtml(topSignals(a))}</td></tr>`,
    )
    .join('\n');
  return `<table class="sortable" id="accounts"><thead><tr><th>account</th><th>verdict</th><th>risk</th><th>campaign</th><th>first flagged</th><th>top signals</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function topSignals(a: AccountResult): string {
  return a.signals
    .filter((s) => s.contribution > 0)
    .sort((x, y) => y.contribution - x.contribution)
    .slice(0, 3)
    .map((s) => s.name)
    .join(', ');
}

function rejectedSection(r: ReportV1): string {
  if (r.input.rejected === 0) return '';
  const rows = r.input.rejected_examples
    .map((e) => `<tr><td>${escapeHtml(e.file)}</td><td class="r">${e.line}</td><td>${escapeHtml(e.field ?? '(not JSON)')}</td><td>${escapeHtml(e.message)}</td></tr>`)
    .join('\n');
  return `<h2>Rejected lines (${r.input.rejected.toLocaleString('en-US')}; first ${r.input.rejected_examples.length} shown)</h2><table><thead><tr><th>file</th><th>line</th><th>field</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const PAGE_CSS = `
body{font:14px system-ui,sans-serif;margin:24px;color:#111827;max-width:1200px}
h1{font-size:22px;margin:0} h2{font-size:17px;margin-top:28px}
.sub{color:#6b7280;margin:4px 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}
.card{border:1px solid #e5e7eb;border-radius:6px;padding:8px 14px;min-width:110px}
.card .n{font-size:20px;font-weight:600} .card .l{color:#6b7280;font-size:12px}
.card.bad .n{color:#dc2626} .card.warn .n{color:#d97706}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f9fafb;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none} table.sortable th:after{content:' ↕';color:#9ca3af}
td.r{text-align:right;font-variant-numeric:tabular-nums}
tr.acct{cursor:pointer} tr.acct:hover{background:#f3f4f6}
.v{padding:1px 6px;border-radius:4px;font-size:12px;color:#fff;background:#9ca3af}
.v.distillation{background:#dc2626}.v.extraction{background:#7c3aed}.v.jailbreak{background:#d97706}.v.suspicious{background:#eab308}
code{font-size:12px} .members{margin-top:6px;max-height:160px;overflow:auto}
td.sig{background:#fafafa}
`;

// Sorting and on-demand signal charts. Report text reaches the DOM only through textContent.
const PAGE_JS = `
(function(){
  var signals = JSON.parse(document.getElementById('signals-data').textContent);
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th, col){
      var asc = false;
      th.addEventListener('click', function(){
        var body = table.tBodies[0];
        var rows = Array.prototype.filter.call(body.rows, function(r){ return !r.classList.contains('detail'); });
        body.querySelectorAll('tr.detail').forEach(function(r){ r.remove(); });
        asc = !asc;
        rows.sort(function(a, b){
          var x = a.cells[col].getAttribute('data-v') || a.cells[col].textContent;
          var y = b.cells[col].getAttribute('data-v') || b.cells[col].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y) ? nx - ny : x.localeCompare(y);
          return asc ? c : -c;
        });
        rows.forEach(function(r){ body.appendChild(r); });
      });
    });
  });
  var NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, text){
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function chart(list){
    var rowH = 20, labelW = 230, width = 720, plot = (width - labelW - 90) / 2, zero = labelW + plot;
    var max = 1e-9;
    list.forEach(function(s){ max = Math.max(max, Math.abs(s.contribution)); });
    var svg = el('svg', {class: 'chart', width: width, height: list.length * rowH + 30});
    svg.appendChild(el('text', {x: 8, y: 16, class: 't'}, 'Contribution to the verdict (log-odds); value in brackets'));
    list.forEach(function(s, i){
      var y = 24 + i * rowH, w = Math.abs(s.contribution) / max * plot;
      var x = s.contribution < 0 ? zero - w : zero;
      svg.appendChild(el('text', {x: labelW - 6, y: y + 14, 'text-anchor': 'end', class: 'a'}, s.name));
      svg.appendChild(el('rect', {x: x, y: y + 3, width: Math.max(w, 0.5), height: rowH - 6, fill: s.contribution < 0 ? '#059669' : '#dc2626'}));
      svg.appendChild(el('text', {x: (s.contribution < 0 ? zero : x + w) + 4, y: y + 14, class: 'a'}, s.contribution.toFixed(3) + ' [' + s.value + ']'));
    });
    svg.appendChild(el('line', {x1: zero, x2: zero, y1: 22, y2: list.length * rowH + 26, class: 'axis'}));
    return svg;
  }
  document.querySelectorAll('tr.acct').forEach(function(row){
    row.addEventListener('click', function(){
      var next = row.nextElementSibling;
      if (next && next.classList.contains('detail')) { next.remove(); return; }
      var list = (signals[Number(row.getAttribute('data-i'))] || []).slice().sort(function(a, b){ return Math.abs(b.contribution) - Math.abs(a.contribution); });
      var tr = document.createElement('tr'); tr.className = 'detail';
      var td = document.createElement('td'); td.colSpan = row.cells.length; td.className = 'sig';
      if (list.length === 0) td.textContent = 'No signals recorded for this account.'; else td.appendChild(chart(list));
      tr.appendChild(td); row.after(tr);
    });
  });
})();
`;

function page(title: string, body: string, signals: unknown): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}${CHART_CSS}</style></head>
<body>
${body}
<script type="application/json" id="signals-data">${jsonForScript(signals)}</script>
<script>${PAGE_JS}</script>
</body></html>
`;
}
