import { METRIC_DEFINITIONS, type MonthlyReturnsRow } from '@ats/performance';
import { canonicalize } from '../canonical-json';
import { formatAmount, formatDate, formatInteger, formatPercent, formatRatio, MISSING } from '../format';
import { headlineRows } from '../headline';
import type { AttributionRow, BacktestReportInput, DecisionRecord, LlmUsage, ReportTrade } from '../types';
import { renderDataQualitySection } from './data-quality-section';
import { escapeHtml } from './escape';
import { renderMemorisationSection } from './memorisation-section';
import { TEAR_SHEET_CSS, TEAR_SHEET_SCRIPT } from './page-assets';
import { renderResearchSection } from './research-section';
import { renderLineChart } from './svg-chart';
import { cell, table } from './table';

/** The decisions table shows the most recent decisions only; the JSON report keeps all of them. */
export const DECISIONS_SHOWN = 200;

const COLORS = { strategy: '#2563eb', benchmark: '#9ca3af', drawdown: '#dc2626', sharpe: '#7c3aed' } as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Blocks every network fetch: the page must render from this file alone. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const toneClass = (value: number | null | undefined) =>
  value === null || value === undefined || value === 0 ? '' : value > 0 ? 'up' : 'down';

function configValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(canonicalize(value));
}

function header(input: BacktestReportInput): string {
  const m = input.performance.metrics;
  const cards = [
    ['Total return', formatPercent(m.totalReturn), m.totalReturn],
    ['CAGR', formatPercent(m.cagr), m.cagr],
    ['Sharpe', formatRatio(m.sharpe), m.sharpe],
    ['Max drawdown', formatPercent(m.maxDrawdown), m.maxDrawdown > 0 ? -1 : 0],
    ['Win rate', formatPercent(m.winRate, 1), null],
    ['Trades', String(m.tradeCount), null],
  ] as const;
  const config = Object.keys(input.config)
    .sort()
    .map((key) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(configValue(input.config[key]))}</dd>`)
    .join('');
  const rows = headlineRows(m).map(
    (row) =>
      `<tr>${cell(row.label)}${cell(row.strategy, row.tone > 0 ? 'up' : row.tone < 0 ? 'down' : '')}${cell(row.benchmark, 'muted')}</tr>`,
  );
  return (
    `<header id="summary"><h1>${escapeHtml(input.title)}</h1>` +
    `<p class="sub">${escapeHtml(`${formatDate(m.periodStart)} → ${formatDate(m.periodEnd)} · ${m.bars} bars · equity ${formatAmount(m.startEquity)} → ${formatAmount(m.endEquity)} · risk-free ${formatPercent(m.riskFreeRate)}`)}</p>` +
    `<div class="cards">${cards.map(([label, value, tone]) => `<div class="card"><b class="${toneClass(tone)}">${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div>` +
    `<div class="grid2"><div><h2>Headline metrics</h2>${table(['Metric', 'Strategy', input.benchmarkName ?? 'Benchmark'], rows)}</div>` +
    `<div><h2>Configuration</h2><dl class="config">${config}</dl></div></div>` +
    (input.dataNotes && input.dataNotes.length > 0
      ? `<section id="data-notes"><h2>Data notes</h2><ul>${input.dataNotes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>`
      : '') +
    '</header>'
  );
}

function charts(input: BacktestReportInput): string {
  const curve = input.equityCurve;
  const dates = curve.map((p) => p.ts);
  const hasBenchmark = curve.length > 0 && curve.every((p) => p.benchmark !== undefined);
  const equityChart = renderLineChart({
    id: 'equity-chart',
    title: 'Equity vs benchmark',
    dates,
    format: 'amount',
    series: [
      { label: 'Strategy', color: COLORS.strategy, values: curve.map((p) => p.equity) },
      ...(hasBenchmark
        ? [
            {
              label: input.benchmarkName ?? 'Benchmark',
              color: COLORS.benchmark,
              values: curve.map((p) => p.benchmark!),
            },
          ]
        : []),
    ],
  });
  const drawdown = input.performance.drawdown;
  const drawdownChart = renderLineChart({
    id: 'drawdown-chart',
    title: 'Drawdown (underwater)',
    dates: drawdown.map((d) => d.ts),
    format: 'percent',
    zeroLine: true,
    series: [
      { label: 'Drawdown', color: COLORS.drawdown, values: drawdown.map((d) => -d.value), area: true },
    ],
  });
  const rolling = input.performance.rollingSharpe;
  const rollingChart = renderLineChart({
    id: 'rolling-sharpe-chart',
    title: 'Rolling Sharpe (63 trading days)',
    dates: rolling.map((d) => d.ts),
    format: 'ratio',
    zeroLine: true,
    series: [{ label: 'Sharpe', color: COLORS.sharpe, values: rolling.map((d) => d.value) }],
  });
  return (
    `<section id="equity"><h2>Equity vs benchmark</h2>${equityChart}</section>` +
    `<section id="drawdown"><h2>Drawdown</h2>${drawdownChart}</section>` +
    `<section id="monthly-returns"><h2>Monthly returns</h2>${heatmap(input.performance.monthlyReturns)}</section>` +
    `<section id="rolling-sharpe"><h2>Rolling Sharpe</h2>${rollingChart}</section>`
  );
}

/** Year × month table; the cell colour deepens with the size of the month's return. */
function heatmap(rows: readonly MonthlyReturnsRow[]): string {
  if (rows.length === 0) return '<p class="empty">No monthly returns.</p>';
  const scale = Math.max(
    1e-9,
    ...rows.flatMap((r) => r.months.filter((v): v is number => v !== null).map(Math.abs)),
  );
  const shade = (v: number | null) => {
    if (v === null) return '';
    const alpha = (0.12 + 0.7 * Math.min(1, Math.abs(v) / scale)).toFixed(2);
    return ` style="background:rgba(${v >= 0 ? '22,163,74' : '220,38,38'},${alpha})"`;
  };
  const body = rows.map(
    (row) =>
      `<tr><th class="text">${row.year}</th>${row.months
        .map(
          (v, i) =>
            `<td${shade(v)} title="${escapeHtml(`${MONTHS[i]} ${row.year}: ${formatPercent(v)}`)}">${escapeHtml(v === null ? '' : formatPercent(v, 1))}</td>`,
        )
        .join(
          '',
        )}<td class="${toneClass(row.yearTotal)}"><b>${escapeHtml(formatPercent(row.yearTotal, 1))}</b></td></tr>`,
  );
  return table(['Year', ...MONTHS, 'Year'], body, 'heatmap');
}

function trades(list: readonly ReportTrade[]): string {
  if (list.length === 0)
    return '<section id="trades"><h2>Trades</h2><p class="empty">No closed trades.</p></section>';
  const rows = list.map(
    (t) =>
      `<tr>${cell(t.symbol)}${cell(t.side, 'text')}${cell(formatDate(t.entryTs))}${cell(formatDate(t.exitTs))}` +
      `${cell(formatAmount(t.quantity, 4))}${cell(formatAmount(t.entryPrice))}${cell(formatAmount(t.exitPrice))}` +
      `${cell(formatAmount(t.pnl), toneClass(t.pnl))}${cell(formatPercent(t.returnPct), toneClass(t.returnPct))}` +
      `${cell(formatAmount(t.commission))}${cell(String(t.holdingBars))}</tr>`,
  );
  const headers = [
    'Symbol',
    'Side',
    'Entry',
    'Exit',
    'Quantity',
    'Entry price',
    'Exit price',
    'PnL',
    'Return',
    'Commission',
    'Bars',
  ];
  return `<section id="trades"><h2>Trades (${list.length})</h2><div class="scroll">${table(headers, rows)}</div></section>`;
}

function attribution(list: readonly AttributionRow[] | undefined): string {
  if (!list || list.length === 0) {
    return '<section id="attribution"><h2>Agent attribution</h2><p class="empty">No ablation runs supplied.</p></section>';
  }
  const all = list.find((r) => r.variant === 'all');
  const delta = (value: number | null, base: number | null | undefined) =>
    value === null || base === null || base === undefined
      ? MISSING
      : (value - base >= 0 ? '+' : '') + formatRatio(value - base);
  const rows = list.map(
    ({ variant, metrics: m }) =>
      `<tr>${cell(variant)}${cell(formatPercent(m.totalReturn), toneClass(m.totalReturn))}${cell(formatPercent(m.cagr))}` +
      `${cell(formatRatio(m.sharpe))}${cell(all && variant !== 'all' ? delta(m.sharpe, all.metrics.sharpe) : MISSING, 'muted')}` +
      `${cell(formatRatio(m.sortino))}${cell(formatPercent(m.maxDrawdown))}${cell(formatPercent(m.winRate, 1))}${cell(String(m.tradeCount))}</tr>`,
  );
  return (
    '<section id="attribution"><h2>Agent attribution</h2>' +
    '<p class="sub">The same backtest re-run with agents removed or isolated; Δ Sharpe is against the run with all agents.</p>' +
    `${table(['Variant', 'Total return', 'CAGR', 'Sharpe', 'Δ Sharpe', 'Sortino', 'Max DD', 'Win rate', 'Trades'], rows)}</section>`
  );
}

function llmUsage(usage: LlmUsage | undefined): string {
  if (!usage) {
    return '<section id="llm-usage"><h2>LLM usage</h2><p class="empty">No LLM usage recorded.</p></section>';
  }
  const rows = [
    ['Calls', formatInteger(usage.calls)],
    [
      'Cached calls',
      `${formatInteger(usage.cachedCalls)} (${formatPercent(usage.calls > 0 ? usage.cachedCalls / usage.calls : null, 1)})`,
    ],
    ['Prompt tokens', formatInteger(usage.promptTokens)],
    ['Completion tokens', formatInteger(usage.completionTokens)],
    ['Total tokens', formatInteger(usage.promptTokens + usage.completionTokens)],
    ['Cost (USD)', `$${formatAmount(usage.costUsd, 4)}`],
    ['Cost per call (USD)', usage.calls > 0 ? `$${formatAmount(usage.costUsd / usage.calls, 6)}` : MISSING],
  ].map(([label, value]) => `<tr>${cell(label!)}${cell(value!)}</tr>`);
  return `<section id="llm-usage"><h2>LLM usage</h2>${table(['Item', 'Value'], rows)}</section>`;
}

function decisions(list: readonly DecisionRecord[] | undefined): string {
  if (!list || list.length === 0) {
    return '<section id="decisions"><h2>Decisions</h2><p class="empty">No decisions recorded.</p></section>';
  }
  const shown = list.slice(-DECISIONS_SHOWN);
  const rows = shown.map((d) => {
    const views = d.agents
      .map((a) => `${a.agent}: ${a.signal} (${formatRatio(a.confidence)}) ${a.reasoning}`)
      .join('\n');
    return `<tr>${cell(formatDate(d.ts))}${cell(d.symbol, 'text')}${cell(formatPercent(d.targetWeight, 1))}${cell(views, 'reason')}</tr>`;
  });
  const note =
    list.length > shown.length
      ? `Most recent ${shown.length} of ${list.length} decisions (all are in the JSON report).`
      : `${list.length} decisions.`;
  return (
    `<section id="decisions"><h2>Decisions</h2><p class="sub">${escapeHtml(note)}</p>` +
    `<div class="scroll">${table(['Date', 'Symbol', 'Target weight', 'Agents (signal, confidence, reasoning)'], rows)}</div></section>`
  );
}

function glossary(): string {
  const rows = METRIC_DEFINITIONS.map(
    (d) =>
      `<tr>${cell(d.name)}<td class="text"><code>${escapeHtml(d.formula)}</code></td>${cell(d.notes, 'reason')}</tr>`,
  );
  return `<section id="glossary"><h2>Metric formulas</h2>${table(['Metric', 'Formula', 'Notes'], rows)}</section>`;
}

/**
 * The tear sheet as one self-contained HTML document: inline CSS, inline SVG charts, a small inline script for
 * hover read-outs, no external URL of any kind, and a CSP that forbids network access. All text is escaped.
 */
export function renderTearSheet(input: BacktestReportInput): string {
  const footer = input.generatedAt ? `Generated ${input.generatedAt}` : 'Generated by @ats/reports';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${TEAR_SHEET_CSS}</style>`,
    '</head>',
    '<body>',
    header(input),
    renderDataQualitySection(input.dataQuality),
    charts(input),
    trades(input.trades),
    attribution(input.attribution),
    renderResearchSection(input.calibration, input.weightPaths),
    renderMemorisationSection(input.memorisationProbe),
    llmUsage(input.llmUsage),
    decisions(input.decisions),
    glossary(),
    `<footer>${escapeHtml(footer)}</footer>`,
    `<script>${TEAR_SHEET_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
