// The short table `distillguard replay` prints: outcomes per class, and the three targets met or not.
import type { ReplayReport } from './run-replay.ts';
import type { TargetCheck } from './tally.ts';

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(v < 0.01 ? 3 : 1)} %`);
const num = (v: number): string => v.toLocaleString('en-US');

export function renderSummaryText(report: ReplayReport): string {
  const s = report.summary;
  const rows = [['class', 'accounts', 'requests', 'full', 'degraded', 'blocked', 'reasoning withheld']];
  for (const [cls, g] of Object.entries(s.per_class)) {
    const reasoning = g.reasoning_tokens_delivered + g.reasoning_tokens_withheld;
    rows.push([cls, num(g.accounts), num(g.requests), num(g.served_full), num(g.degraded), num(g.blocked), pct(reasoning > 0 ? g.reasoning_tokens_withheld / reasoning : null)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  const speed = report.speed === null ? 'as fast as possible' : `${report.speed}x`;
  const effective = report.effective_speed === null ? '' : ` (achieved ${Math.round(report.effective_speed).toLocaleString('en-US')}x)`;
  const lines = [
    `replayed ${num(report.requests)} events through ${report.gateway} at ${speed}${effective}, concurrency ${report.concurrency}; ` +
      `${num(report.answered)} answered, ${num(report.transport_errors)} transport errors`,
    ...table,
    'targets:',
    targetLine('attacker reasoning after 1st hour withheld or degraded', s.targets.attacker_reasoning_withheld_share, '≥', pct),
    targetLine('benign requests affected', s.targets.benign_affected_share, '≤', pct),
    targetLine('benign accounts suspended', s.targets.benign_accounts_suspended, '≤', (v) => (v === null ? 'n/a' : String(v))),
  ];
  if (report.leaks) {
    const l = report.leaks.totals;
    const share = (v: number) => pct(l.reasoning_total > 0 ? v / l.reasoning_total : null);
    lines.push(
      `attacker reasoning after 1st hour served in full: undetected ${share(l.leaked.undetected)}, campaign member not yet covered ${share(l.leaked.member_uncovered)}, ` +
        `decision not yet applied (lag) ${share(l.leaked.lag)}, covered by an action withholding nothing ${share(l.leaked.not_withholding)}`,
    );
  }
  if (report.detector_waits) {
    const w = report.detector_waits;
    lines.push(`detector lag held to ${report.detector_lag_seconds} log s: ${num(w.requests)} requests waited ${w.wall_seconds.toFixed(1)} s in all, ${w.timeouts} waits timed out`);
  }
  if (s.benign && Object.keys(s.benign.personas_affected).length > 0) {
    lines.push(`benign personas affected: ${Object.entries(s.benign.personas_affected).map(([p, n]) => `${p} ${n}`).join(', ')}`);
  }
  return lines.join('\n');
}

function targetLine(name: string, t: TargetCheck, op: string, fmt: (v: number | null) => string): string {
  const verdict = t.met === null ? 'no data (labels needed)' : t.met ? 'met' : 'MISSED';
  return `  ${name}: ${fmt(t.value)} (target ${op} ${fmt(t.target)}) ${verdict}`;
}
