import type { AgentCalibration } from '@ats/performance';
import { formatPercent, formatRatio } from '../format';
import { escapeHtml } from './escape';
import { renderLineChart } from './svg-chart';
import { table } from './table';

/** The consensus weights one decision time used (@ats/agents' WeightPoint fits). */
export interface ReportWeightPoint {
  readonly asOf: string;
  readonly weights: { readonly technical: number; readonly sentiment: number };
  /** 'static' while too few outcomes were realised, 'adaptive' once the analysts' ICs set them. */
  readonly source: string;
}

/** The weights path of one run of the report (the main run or an ablation). */
export interface ReportWeightPath {
  readonly variant: string;
  readonly points: readonly ReportWeightPoint[];
}

const AGENT_COLORS: Readonly<Record<string, string>> = {
  technical: '#2563eb',
  sentiment: '#d97706',
  portfolio: '#7c3aed',
};
const OTHER_COLOR = '#6b7280';
/** The reliability curve is drawn at this horizon (trading days); the table gives every horizon. */
export const RELIABILITY_HORIZON = 5;

const SIZE = 320;
const PAD = 40;
const PLOT = SIZE - 2 * PAD;

/**
 * "Agent calibration": per agent and horizon the hit rate, Brier score and IC, hit rates by confidence bucket,
 * the reliability curve (SVG), and the adaptive weights' paths. Empty when the run has none of them.
 */
export function renderResearchSection(
  calibration: readonly AgentCalibration[] | undefined,
  weightPaths: readonly ReportWeightPath[] | undefined,
): string {
  const parts: string[] = [];
  if (calibration && calibration.length > 0) {
    parts.push(
      '<section id="calibration"><h2>Agent calibration</h2>' +
        '<p class="sub">Every call scored against its symbol&#39;s forward return, known only h trading days later; ' +
        'p(up) = 0.5 ± confidence/2 (BUY +, SELL −, HOLD 0.5); IC = Spearman rank correlation of signed confidence ' +
        'with the forward return. Formulas in docs/metrics.md.</p>' +
        calibrationTable(calibration) +
        bucketTable(calibration) +
        reliabilityChart(calibration) +
        '</section>',
    );
  }
  if (weightPaths && weightPaths.length > 0) parts.push(weightsSection(weightPaths));
  return parts.join('');
}

function calibrationTable(calibration: readonly AgentCalibration[]): string {
  const head = [
    'Agent',
    'Horizon',
    'Outcomes',
    'Calls',
    'Hit rate',
    'Brier',
    'IC',
    'Mean after BUY',
    'Mean after SELL',
  ];
  const rows = calibration.flatMap((a) =>
    a.horizons.map(
      (h) =>
        `<tr><td class="text">${escapeHtml(a.agent)}</td><td>${h.horizon}d</td><td>${h.outcomes}</td><td>${h.directionalCalls}</td>` +
        `<td>${formatPercent(h.hitRate, 1)}</td><td>${formatRatio(h.brier, 4)}</td><td>${formatRatio(h.informationCoefficient, 3)}</td>` +
        `<td>${formatPercent(h.meanReturnAfterBuy)}</td><td>${formatPercent(h.meanReturnAfterSell)}</td></tr>`,
    ),
  );
  return tableOf(head, rows);
}

function bucketTable(calibration: readonly AgentCalibration[]): string {
  const first = calibration[0]?.horizons.find((h) => h.horizon === RELIABILITY_HORIZON);
  if (!first) return '';
  const head = [
    `Agent (${RELIABILITY_HORIZON}d hit rate by confidence)`,
    ...first.buckets.map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}`),
  ];
  const rows = calibration.map((a) => {
    const h = a.horizons.find((x) => x.horizon === RELIABILITY_HORIZON);
    const cells = (h?.buckets ?? []).map(
      (b) => `<td>${b.calls > 0 ? `${formatPercent(b.hitRate, 0)} (${b.calls})` : '–'}</td>`,
    );
    return `<tr><td class="text">${escapeHtml(a.agent)}</td>${cells.join('')}</tr>`;
  });
  return tableOf(head, rows);
}

/** Observed share of up moves against the mean implied p(up) per bin: a calibrated agent lies on the diagonal. */
function reliabilityChart(calibration: readonly AgentCalibration[]): string {
  const x = (p: number) => (PAD + p * PLOT).toFixed(1);
  const y = (p: number) => (PAD + (1 - p) * PLOT).toFixed(1);
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<line class="grid" x1="${x(0)}" x2="${x(1)}" y1="${y(t)}" y2="${y(t)}"/>` +
        `<text class="axis" x="${PAD - 6}" y="${Number(y(t)) + 4}" text-anchor="end">${t}</text>` +
        `<text class="axis" x="${x(t)}" y="${SIZE - PAD + 16}" text-anchor="middle">${t}</text>`,
    )
    .join('');
  const series = calibration
    .map((a) => {
      const points = a.horizons.find((h) => h.horizon === RELIABILITY_HORIZON)?.reliability ?? [];
      if (points.length === 0) return '';
      const color = AGENT_COLORS[a.agent] ?? OTHER_COLOR;
      const path = points
        .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.meanProbability)} ${y(p.observedUp)}`)
        .join('');
      const dots = points
        .map(
          (p) =>
            `<circle cx="${x(p.meanProbability)}" cy="${y(p.observedUp)}" r="${Math.min(8, 2 + Math.sqrt(p.count) / 3).toFixed(1)}" fill="${color}">` +
            `<title>${escapeHtml(`${a.agent}: p(up) ${p.meanProbability.toFixed(2)}, observed ${p.observedUp.toFixed(2)}, ${p.count} calls`)}</title></circle>`,
        )
        .join('');
      return `<path class="series" d="${path}" stroke="${color}"/>${dots}`;
    })
    .join('');
  const legend = calibration
    .map(
      (a) =>
        `<span class="key"><i style="background:${AGENT_COLORS[a.agent] ?? OTHER_COLOR}"></i>${escapeHtml(a.agent)}</span>`,
    )
    .join('');
  return (
    `<figure class="chart reliability" id="reliability-curve"><figcaption>Reliability curve (${RELIABILITY_HORIZON}-day outcome): observed share of up moves against implied p(up)${legend}</figcaption>` +
    `<svg viewBox="0 0 ${SIZE} ${SIZE}" style="max-width:${SIZE * 1.5}px" role="img" aria-label="Reliability curve">${ticks}` +
    `<line class="zero" x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke-dasharray="4 4"/>${series}` +
    `<text class="axis" x="${SIZE / 2}" y="${SIZE - 6}" text-anchor="middle">implied p(up)</text></svg></figure>`
  );
}

function weightsSection(paths: readonly ReportWeightPath[]): string {
  const charts = paths.map((path) => {
    const adaptive = path.points.filter((p) => p.source === 'adaptive').length;
    const chart = renderLineChart({
      id: `weights-${path.variant.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`,
      title: `Consensus weights — ${path.variant} (${adaptive} of ${path.points.length} decision times adaptive, the rest static)`,
      dates: path.points.map((p) => p.asOf),
      series: [
        {
          label: 'technical',
          color: AGENT_COLORS.technical as string,
          values: path.points.map((p) => p.weights.technical),
        },
        {
          label: 'sentiment',
          color: AGENT_COLORS.sentiment as string,
          values: path.points.map((p) => p.weights.sentiment),
        },
      ],
      format: 'percent',
    });
    return chart;
  });
  return (
    '<section id="weight-paths"><h2>Adaptive consensus weights</h2>' +
    '<p class="sub">At each decision time each analyst&#39;s weight ∝ max(0, IC × n/(n + k)) over its outcomes already realised then; static weights until enough are.</p>' +
    `${charts.join('')}</section>`
  );
}

function tableOf(headers: readonly string[], rows: readonly string[]): string {
  return `<div class="scroll">${table(headers, rows)}</div>`;
}
