import { escapeHtml } from './escape';

/** Chart geometry in SVG user units; the SVG scales to the page width through its viewBox. */
const WIDTH = 960;
const HEIGHT = 260;
const MARGIN = { left: 64, right: 16, top: 12, bottom: 28 } as const;
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
const Y_TICKS = 5;
const X_LABELS = 6;

export type ValueFormat = 'percent' | 'ratio' | 'amount';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** Shade between the line and zero (underwater chart). */
  readonly area?: boolean;
}

export interface LineChartSpec {
  readonly id: string;
  readonly title: string;
  /** One date per value, shared by all series (x axis = bar index: trading days equally spaced). */
  readonly dates: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly format: ValueFormat;
  readonly zeroLine?: boolean;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

export function formatAxisValue(value: number, format: ValueFormat): string {
  if (format === 'percent') return `${(value * 100).toFixed(Math.abs(value) < 0.1 && value !== 0 ? 1 : 0)}%`;
  if (format === 'ratio') return value.toFixed(1);
  return Math.abs(value) >= 1e6
    ? `${(value / 1e6).toFixed(1)}M`
    : Math.abs(value) >= 1e4
      ? `${(value / 1e3).toFixed(0)}k`
      : value.toFixed(0);
}

/** Round tick steps of 1, 2 or 5 × 10^k covering [min, max]. */
export function niceTicks(min: number, max: number, count = Y_TICKS): number[] {
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  // Integer multiples of the step (with a tolerance: -0.15 / 0.05 is -2.9999999999999996), so no error accumulates.
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let k = first; k <= last; k++) ticks.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return ticks;
}

function valueRange(spec: LineChartSpec): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of spec.series) {
    for (const v of s.values) {
      if (v === null || !Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (spec.zeroLine) {
    min = Math.min(min, 0);
    max = Math.max(max, 0);
  }
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return [min - pad, max + pad];
  }
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}

/** Inline SVG line chart (no script needed to draw it); the page script only adds the hover read-out. */
export function renderLineChart(spec: LineChartSpec): string {
  const n = spec.dates.length;
  const hasData = spec.series.some((s) => s.values.some((v) => v !== null && Number.isFinite(v)));
  if (n === 0 || !hasData) {
    return `<p class="empty">${escapeHtml(spec.title)}: not enough data to draw.</p>`;
  }
  const [yMin, yMax] = valueRange(spec);
  const x = (i: number) => round2(MARGIN.left + (n > 1 ? i / (n - 1) : 0.5) * PLOT_WIDTH);
  const y = (v: number) => round2(MARGIN.top + (1 - (v - yMin) / (yMax - yMin)) * PLOT_HEIGHT);

  const grid = niceTicks(yMin, yMax)
    .map(
      (t) =>
        `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}"/>` +
        `<text class="axis" x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end">${escapeHtml(formatAxisValue(t, spec.format))}</text>`,
    )
    .join('');
  const labelIndexes = [
    ...new Set(
      Array.from({ length: Math.min(X_LABELS, n) }, (_, k) =>
        Math.round((k * (n - 1)) / Math.max(1, Math.min(X_LABELS, n) - 1)),
      ),
    ),
  ];
  const xLabels = labelIndexes
    .map((i, k) => {
      const anchor = k === 0 ? 'start' : k === labelIndexes.length - 1 ? 'end' : 'middle';
      return `<text class="axis" x="${x(i)}" y="${HEIGHT - 8}" text-anchor="${anchor}">${escapeHtml(spec.dates[i]!.slice(0, 10))}</text>`;
    })
    .join('');
  const zero =
    spec.zeroLine && yMin <= 0 && yMax >= 0
      ? `<line class="zero" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(0)}" y2="${y(0)}"/>`
      : '';

  const paths = spec.series
    .map((s) => {
      // Break the line at missing values instead of bridging them.
      const segments: string[] = [];
      let current: string[] = [];
      let firstIndex = -1;
      let lastIndex = -1;
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          if (current.length > 0) segments.push(current.join(''));
          current = [];
          return;
        }
        if (firstIndex < 0) firstIndex = i;
        lastIndex = i;
        current.push(`${current.length === 0 ? 'M' : 'L'}${x(i)} ${y(v)}`);
      });
      if (current.length > 0) segments.push(current.join(''));
      const line = `<path class="series" d="${segments.join('')}" stroke="${escapeHtml(s.color)}"/>`;
      if (!s.area || segments.length !== 1) return line;
      const base = y(Math.min(Math.max(0, yMin), yMax));
      const area = `<path class="area" d="${segments[0]}L${x(lastIndex)} ${base}L${x(firstIndex)} ${base}Z" fill="${escapeHtml(s.color)}"/>`;
      return area + line;
    })
    .join('');

  // Compact data for the hover read-out: 6 significant digits is plenty for a tooltip.
  const readout = {
    width: WIDTH,
    left: MARGIN.left,
    plotWidth: PLOT_WIDTH,
    format: spec.format,
    dates: spec.dates.map((d) => d.slice(0, 10)),
    series: spec.series.map((s) => ({
      label: s.label,
      values: s.values.map((v) => (v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(6)))),
    })),
  };
  const legend = spec.series
    .map(
      (s) =>
        `<span class="key"><i style="background:${escapeHtml(s.color)}"></i>${escapeHtml(s.label)}</span>`,
    )
    .join('');
  return (
    `<figure class="chart" id="${escapeHtml(spec.id)}"><figcaption>${escapeHtml(spec.title)}${legend}</figcaption>` +
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}" data-chart="${escapeHtml(JSON.stringify(readout))}">` +
    `${grid}${zero}${paths}${xLabels}<line class="cursor" x1="0" x2="0" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}"/></svg>` +
    '<div class="tooltip" hidden></div></figure>'
  );
}
