// The eval page: one self-contained HTML file with the metrics against the targets and their charts.
import { escapeHtml } from '../report/escape.ts';
import { barChart, CHART_CSS, timelineChart } from '../report/svg.ts';
import { ATTACK_CLASSES, type EvalMetrics, type GroupRate } from './metrics.ts';
import type { RunsMeetingTargets } from './pool.ts';

/** One run of a pooled evaluation (several scenarios or seeds). */
export interface EvalRunRow {
  /** `scenario:seed` */
  label: string;
  source: Record<string, unknown>;
  events: number;
  metrics: EvalMetrics;
}

export interface EvalDocument {
  version: 1;
  generated_at: string;
  source: Record<string, unknown>;
  events: number;
  params_provenance: string | null;
  /** one run's metrics, or with `runs` the runs' pooled metrics */
  metrics: EvalMetrics;
  /** pooled evaluations only: how many runs meet each target on their own */
  runs_meeting_targets?: RunsMeetingTargets;
  /** pooled evaluations only: each run */
  runs?: EvalRunRow[];
}

const pct = (v: number | null, digits = 1) => (v === null ? 'n/a' : `${(v * 100).toFixed(digits)} %`);
const num = (v: number | null, digits = 3) => (v === null ? 'n/a' : v.toFixed(digits));

/** Each run of a pooled evaluation: a table, and its served share and pairwise F1 against the targets. */
function runsSection(runs: readonly EvalRunRow[]): string {
  const rows = runs
    .map((r) => {
      const m = r.metrics;
      const missed = Object.entries(m.targets).filter(([, t]) => !t.met).map(([name]) => name);
      return `<tr><td>${escapeHtml(r.label)}</td><td class="r">${r.events.toLocaleString('en-US')}</td><td class="r">${escapeHtml(pct(m.attack_recall.value))}</td><td class="r">${m.benign_fpr.numerator} / ${m.benign_fpr.denominator}</td><td class="r">${m.benign_ever_flagged.numerator}</td><td class="r">${escapeHtml(num(m.campaign_pairwise.f1))}</td><td class="r">${escapeHtml(pct(m.served_before_flagged.value))}</td><td class="${missed.length === 0 ? 'ok' : 'no'}">${missed.length === 0 ? 'all met' : `missed: ${escapeHtml(missed.join(', '))}`}</td></tr>`;
    })
    .join('\n');
  const served = runs.map((r) => ({ label: r.label, value: r.metrics.served_before_flagged.value ?? 0, text: pct(r.metrics.served_before_flagged.value), color: '#d97706' }));
  const f1 = runs.map((r) => ({ label: r.label, value: r.metrics.campaign_pairwise.f1 ?? 0, text: num(r.metrics.campaign_pairwise.f1), color: '#7c3aed' }));
  return `<h2>Runs</h2>
<table><thead><tr><th>run</th><th>events</th><th>attack recall</th><th>benign flagged</th><th>benign ever flagged</th><th>pairwise F1</th><th>served before flag</th><th>targets</th></tr></thead><tbody>
${rows}
</tbody></table>
${barChart(served, { title: 'Attacker requests served before their account was flagged, per run', max: Math.max(0.2, ...served.map((b) => b.value)), marker: { value: 0.15, label: 'target 15 %' } })}
${barChart(f1, { title: 'Campaign pairwise F1, per run', max: 1, marker: { value: 0.9, label: 'target 0.90' } })}`;
}

export function renderEvalHtml(doc: EvalDocument): string {
  const m = doc.metrics;
  const source = Object.entries(doc.source).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const perRun = doc.runs_meeting_targets;
  const targetRows = Object.entries(m.targets)
    .map(([name, t]) => {
      const runs = perRun ? `<td class="r">${perRun[name as keyof RunsMeetingTargets].met} / ${perRun[name as keyof RunsMeetingTargets].runs}</td>` : '';
      return `<tr><td>${escapeHtml(name)}</td><td class="r">${escapeHtml(name.includes('f1') ? num(t.target, 2) : pct(t.target))}</td><td class="r">${escapeHtml(name.includes('f1') ? num(t.value) : pct(t.value, 2))}</td><td class="${t.met ? 'ok' : 'no'}">${t.met ? 'met' : 'missed'}</td>${runs}</tr>`;
    })
    .join('');
  const classBars = ATTACK_CLASSES.flatMap((c) => [
    { label: `${c} precision`, value: m.classes[c].precision ?? 0, text: pct(m.classes[c].precision), color: '#2563eb' },
    { label: `${c} recall`, value: m.classes[c].recall ?? 0, text: pct(m.classes[c].recall), color: '#059669' },
  ]);
  const groupBars = (groups: Record<string, GroupRate>, color: string) =>
    Object.entries(groups).map(([name, g]) => ({ label: `${name} (${g.accounts})`, value: g.rate ?? 0, text: `${pct(g.rate)} (${g.flagged}/${g.accounts})`, color }));
  const servedBars = ATTACK_CLASSES.map((c) => ({ label: c, value: m.served_before_flagged.per_class[c].value ?? 0, text: pct(m.served_before_flagged.per_class[c].value), color: '#d97706' }));
  const ttd = m.time_to_detect.per_campaign.map((c) => ({
    label: `${c.campaign_id} ${c.attack}`,
    start: Date.parse(c.started_at),
    end: c.first_flagged_at === null ? null : Date.parse(c.first_flagged_at),
    color: '#7c3aed',
    tooltip: `${c.campaign_id} (${c.attack}, ${c.members} accounts): started ${c.started_at}, first flagged ${c.first_flagged_at ?? 'never'}${c.hours_to_detect === null ? '' : ` after ${c.hours_to_detect.toFixed(2)} h`}`,
  }));
  const verdicts = ['benign', 'suspicious', 'distillation', 'extraction', 'jailbreak'];
  const confusion = Object.entries(m.confusion)
    .map(([cls, row]) => `<tr><th>${escapeHtml(cls)}</th>${verdicts.map((v) => `<td class="r">${row[v] ?? 0}</td>`).join('')}</tr>`)
    .join('');
  const body = `
<h1>distillguard eval${doc.runs ? `: ${doc.runs.length} runs pooled` : ''}</h1>
<p class="sub">${escapeHtml(source)} · ${doc.events.toLocaleString('en-US')} events · ${m.accounts.evaluated.toLocaleString('en-US')} labelled accounts evaluated · generated ${escapeHtml(doc.generated_at)}</p>
<p class="sub">parameters: ${escapeHtml(doc.params_provenance ?? 'unknown')}</p>
<h2>Targets${doc.runs ? ` (pooled over ${doc.runs.length} runs)` : ''}</h2>
<table><thead><tr><th>metric</th><th>target</th><th>value</th><th></th>${perRun ? '<th>runs meeting it</th>' : ''}</tr></thead><tbody>${targetRows}</tbody></table>
${doc.runs ? runsSection(doc.runs) : ''}
<p>Campaign pairwise: precision ${escapeHtml(pct(m.campaign_pairwise.precision))}, recall ${escapeHtml(pct(m.campaign_pairwise.recall))} (${m.campaign_pairwise.common_pairs.toLocaleString('en-US')} of ${m.campaign_pairwise.true_pairs.toLocaleString('en-US')} true pairs found; ${m.campaign_pairwise.predicted_pairs.toLocaleString('en-US')} predicted). Time to detect: median ${escapeHtml(num(m.time_to_detect.median_hours, 2))} h, p90 ${escapeHtml(num(m.time_to_detect.p90_hours, 2))} h (${m.time_to_detect.detected} of ${m.time_to_detect.campaigns} campaigns detected).</p>
<h2>Per class</h2>
${barChart(classBars, { title: 'Precision and recall per class', max: 1, format: (v) => pct(v) })}
<table><thead><tr><th>true \\ verdict</th>${verdicts.map((v) => `<th>${v}</th>`).join('')}</tr></thead><tbody>${confusion}</tbody></table>
<h2>Benign false positives per persona</h2>
${barChart(groupBars(m.benign_fpr_per_persona, '#dc2626'), { title: `Share of each benign persona flagged (overall ${pct(m.benign_fpr.value, 2)}; target line at 0.2 %)`, max: Math.max(0.01, ...Object.values(m.benign_fpr_per_persona).map((g) => g.rate ?? 0)), marker: { value: 0.002, label: 'target 0.2 %' } })}
<h2>Attack recall per attack</h2>
${barChart(groupBars(m.attack_recall_per_attack, '#059669'), { title: `Share of each attack's accounts flagged (overall ${pct(m.attack_recall.value)})`, max: 1, marker: { value: 0.95, label: 'target 95 %' } })}
<h2>Requests served before the account was flagged</h2>
${barChart(servedBars, { title: `Attacker requests served before their account was flagged (overall ${pct(m.served_before_flagged.value)})`, max: Math.max(0.2, ...servedBars.map((b) => b.value)), marker: { value: 0.15, label: 'target 15 %' } })}
<h2>Time to detect</h2>
${timelineChart(ttd, { title: 'Campaigns: started → first member flagged (red dot)' })}
<table><thead><tr><th>campaign</th><th>attack</th><th>members</th><th>flagged</th><th>started</th><th>first flagged</th><th>hours</th></tr></thead><tbody>
${m.time_to_detect.per_campaign.map((c) => `<tr><td>${escapeHtml(c.campaign_id)}</td><td>${escapeHtml(c.attack)}</td><td class="r">${c.members}</td><td class="r">${c.flagged_members}</td><td>${escapeHtml(c.started_at)}</td><td>${escapeHtml(c.first_flagged_at ?? 'never')}</td><td class="r">${escapeHtml(num(c.hours_to_detect, 2))}</td></tr>`).join('\n')}
</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>distillguard eval</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#111827;max-width:1100px}
h1{font-size:22px;margin:0} h2{font-size:17px;margin-top:28px} .sub{color:#6b7280;margin:4px 0}
table{border-collapse:collapse;margin:8px 0} th,td{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:left}
td.r{text-align:right;font-variant-numeric:tabular-nums} td.ok{color:#059669;font-weight:600} td.no{color:#dc2626;font-weight:600}
${CHART_CSS}</style></head><body>${body}</body></html>
`;
}
