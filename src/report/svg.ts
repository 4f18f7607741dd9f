// Small inline-SVG chart builders for the HTML report and the eval page: no library, no external file,
// every label escaped. Each returns one <svg> element as a string.
import { escapeHtml } from './escape.ts';

export const PALETTE = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d'];

export interface Series {
  label: string;
  /** [x, y] points sorted by x; drawn as a step line (counts that change at events) */
  points: [number, number][];
  color?: string;
}

export interface AxisOptions {
  width?: number;
  height?: number;
  /** x values are epoch milliseconds (labels as dates) */
  xIsTime?: boolean;
  yLabel?: string;
  title?: string;
}

const MARGIN = { left: 56, right: 16, top: 24, bottom: 36 };

function fmtNumber(v: number): string {
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) < 1 ? 3 : 1);
}

function fmtTime(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 3 * 86_400_000 ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

function ticks(min: number, max: number, n: number): number[] {
  if (max <= min) return [min];
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(min + ((max - min) * i) / n);
  return out;
}

function emptyChart(width: number, height: number, title: string | undefined, message: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title ?? message)}">${title ? `<text x="8" y="16" class="t">${escapeHtml(title)}</text>` : ''}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="m">${escapeHtml(message)}</text></svg>`;
}

/** Step lines of one or more series on shared axes (e.g. cumulative flagged accounts over time). */
export function stepChart(series: Series[], o: AxisOptions = {}): string {
  const width = o.width ?? 720;
  const height = o.height ?? 260;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return emptyChart(width, height, o.title, 'no data');
  let xMin = Infinity, xMax = -Infinity, yMax = 0;
  for (const [x, y] of all) {
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y > yMax) yMax = y;
  }
  if (xMax === xMin) xMax = xMin + 1;
  if (yMax === 0) yMax = 1;
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (y: number) => MARGIN.top + ph - (y / yMax) * ph;
  const parts: string[] = [];
  for (const t of ticks(0, yMax, 4)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" class="g"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" class="a">${escapeHtml(fmtNumber(t))}</text>`);
  }
  for (const t of ticks(xMin, xMax, 5)) {
    const label = o.xIsTime ? fmtTime(t, xMax - xMin) : fmtNumber(t);
    parts.push(`<text x="${sx(t).toFixed(1)}" y="${height - MARGIN.bottom + 16}" text-anchor="middle" class="a">${escapeHtml(label)}</text>`);
  }
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const color = s.color ?? PALETTE[i % PALETTE.length];
    let d = `M${sx(s.points[0]![0]).toFixed(1)},${sy(s.points[0]![1]).toFixed(1)}`;
    for (let k = 1; k < s.points.length; k++) {
      const [x, y] = s.points[k]!;
      d += `H${sx(x).toFixed(1)}V${sy(y).toFixed(1)}`;
    }
    d += `H${sx(xMax).toFixed(1)}`;
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeHtml(s.label)}</title></path>`);
  });
  const legend = series
    .map((s, i) => `<tspan fill="${s.color ?? PALETTE[i % PALETTE.length]}">■</tspan> ${escapeHtml(s.label)}`)
    .join('   ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title ?? 'chart')}">` +
    (o.title ? `<text x="8" y="16" class="t">${escapeHtml(o.title)}</text>` : '') +
    (o.yLabel ? `<text x="12" y="${MARGIN.top + ph / 2}" class="a" transform="rotate(-90 12 ${MARGIN.top + ph / 2})" text-anchor="middle">${escapeHtml(o.yLabel)}</text>` : '') +
    parts.join('') +
    `<text x="${MARGIN.left}" y="${height - 6}" class="a">${legend}</text></svg>`
  );
}

export interface Bar {
  label: string;
  value: number;
  color?: string;
  /** shown after the bar instead of the number */
  text?: string;
}

export interface BarOptions {
  width?: number;
  title?: string;
  /** full scale (default: the largest |value|) */
  max?: number;
  format?: (v: number) => string;
  /** a vertical marker (e.g. a target) at this value */
  marker?: { value: number; label: string };
}

/** Horizontal bars, one per row; negative values extend left of the axis (signal contributions). */
export function barChart(bars: Bar[], o: BarOptions = {}): string {
  const width = o.width ?? 720;
  const rowH = 20;
  const top = o.title ? 24 : 6;
  const height = top + bars.length * rowH + 8;
  if (bars.length === 0) return emptyChart(width, 60, o.title, 'no data');
  const labelW = Math.min(260, Math.max(80, Math.max(...bars.map((b) => b.label.length)) * 7));
  const textW = 90;
  const hasNeg = bars.some((b) => b.value < 0);
  const max = o.max ?? Math.max(1e-9, ...bars.map((b) => Math.abs(b.value)));
  const plotW = width - labelW - textW;
  const zero = labelW + (hasNeg ? plotW / 2 : 0);
  const scale = (hasNeg ? plotW / 2 : plotW) / max;
  const fmt = o.format ?? fmtNumber;
  const parts: string[] = [];
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const w = Math.min(Math.abs(b.value) * scale, hasNeg ? plotW / 2 : plotW);
    const x = b.value < 0 ? zero - w : zero;
    const color = b.color ?? (b.value < 0 ? '#059669' : PALETTE[0]);
    parts.push(`<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" class="a">${escapeHtml(b.label)}</text>`);
    parts.push(`<rect x="${x.toFixed(1)}" y="${y + 3}" width="${Math.max(w, 0.5).toFixed(1)}" height="${rowH - 6}" fill="${color}"><title>${escapeHtml(`${b.label}: ${b.text ?? fmt(b.value)}`)}</title></rect>`);
    parts.push(`<text x="${(b.value < 0 ? zero : x + w) + 4}" y="${y + 14}" class="a">${escapeHtml(b.text ?? fmt(b.value))}</text>`);
  });
  if (hasNeg) parts.push(`<line x1="${zero}" x2="${zero}" y1="${top}" y2="${height - 8}" class="axis"/>`);
  if (o.marker) {
    const mx = zero + o.marker.value * scale;
    parts.push(`<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${top - 4}" y2="${height - 4}" class="mk"><title>${escapeHtml(o.marker.label)}</title></line>`);
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title ?? 'bar chart')}">` +
    (o.title ? `<text x="8" y="16" class="t">${escapeHtml(o.title)}</text>` : '') +
    parts.join('') +
    '</svg>'
  );
}

export interface Span {
  label: string;
  start: number;
  /** null: still open (drawn to the chart's end, hatched) */
  end: number | null;
  color?: string;
  tooltip?: string;
}

/** One row per span on a time axis (e.g. campaign first seen → first flagged). */
export function timelineChart(spans: Span[], o: { width?: number; title?: string } = {}): string {
  const width = o.width ?? 720;
  if (spans.length === 0) return emptyChart(width, 60, o.title, 'no campaigns');
  const rowH = 18;
  const top = o.title ? 24 : 6;
  const height = top + spans.length * rowH + 24;
  let min = Infinity, max = -Infinity;
  for (const s of spans) {
    min = Math.min(min, s.start);
    max = Math.max(max, s.end ?? s.start, s.start);
  }
  if (max === min) max = min + 60_000;
  const labelW = Math.min(220, Math.max(80, Math.max(...spans.map((s) => s.label.length)) * 7));
  const pw = width - labelW - 16;
  const sx = (t: number) => labelW + ((t - min) / (max - min)) * pw;
  const parts: string[] = [];
  spans.forEach((s, i) => {
    const y = top + i * rowH;
    const x0 = sx(s.start);
    const x1 = s.end === null ? sx(max) : sx(s.end);
    const color = s.color ?? PALETTE[0];
    parts.push(`<text x="${labelW - 6}" y="${y + 13}" text-anchor="end" class="a">${escapeHtml(s.label)}</text>`);
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${Math.max(2, x1 - x0).toFixed(1)}" height="${rowH - 6}" fill="${color}"${s.end === null ? ' fill-opacity="0.3"' : ''}><title>${escapeHtml(s.tooltip ?? s.label)}</title></rect>`,
    );
    if (s.end !== null) parts.push(`<circle cx="${x1.toFixed(1)}" cy="${y + rowH / 2}" r="3.5" fill="#dc2626"/>`);
  });
  for (const t of ticks(min, max, 4)) {
    parts.push(`<text x="${sx(t).toFixed(1)}" y="${height - 8}" text-anchor="middle" class="a">${escapeHtml(fmtTime(t, max - min))}</text>`);
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title ?? 'timeline')}">` +
    (o.title ? `<text x="8" y="16" class="t">${escapeHtml(o.title)}</text>` : '') +
    parts.join('') +
    '</svg>'
  );
}

/** CSS shared by the pages that embed these charts. */
export const CHART_CSS = `
svg.chart{display:block;margin:8px 0;font:12px system-ui,sans-serif;background:#fff}
svg.chart .t{font-weight:600;font-size:13px}
svg.chart .a{fill:#374151}
svg.chart .m{fill:#9ca3af}
svg.chart .g{stroke:#e5e7eb}
svg.chart .axis{stroke:#6b7280}
svg.chart .mk{stroke:#dc2626;stroke-dasharray:4 3}
`;
