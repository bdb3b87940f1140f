import { RESEARCH_DEFINITIONS } from './research-definitions';

/**
 * The metric glossary: one entry per metric with its formula and edge cases. docs/metrics.md and the tear sheet's
 * glossary are rendered from this list (a test keeps the doc file in sync), so the conventions live here once.
 */
export interface MetricDefinition {
  /** Field name in PerformanceMetrics / the report series. */
  readonly key: string;
  readonly name: string;
  readonly formula: string;
  readonly notes: string;
}

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  {
    key: 'dailyReturns',
    name: 'Daily returns',
    formula: 'r_t = E_t / E_{t-1} - 1, t = 1..N-1',
    notes:
      'Simple returns of the equity curve, one per bar after the first; every bar is one trading day. n = N - 1 returns.',
  },
  {
    key: 'totalReturn',
    name: 'Total return',
    formula: 'E_end / E_start - 1',
    notes: 'Fraction (0.25 = +25%).',
  },
  {
    key: 'cagr',
    name: 'CAGR',
    formula: '(E_end / E_start)^(252 / n) - 1',
    notes: 'Annualised by 252 trading days. Null when n = 0.',
  },
  {
    key: 'annualVolatility',
    name: 'Annual volatility',
    formula: 'stdev(r) * sqrt(252)',
    notes: 'Sample standard deviation (divisor n - 1). Null when n < 2.',
  },
  {
    key: 'sharpe',
    name: 'Sharpe ratio',
    formula: 'mean(r - rf_d) / stdev(r - rf_d) * sqrt(252), rf_d = (1 + rf)^(1/252) - 1',
    notes:
      'rf = annual risk-free rate (configurable, default 0). Sample stdev. Null when n < 2 or stdev <= 1e-12 (zero variance: undefined, not Infinity).',
  },
  {
    key: 'sortino',
    name: 'Sortino ratio',
    formula: 'mean(r - T) / DD * sqrt(252), DD = sqrt(sum(min(0, r - T)^2) / n)',
    notes:
      'Downside deviation over ALL n days; target T = rf_d. Null when n = 0 or DD <= 1e-12 (no day below target).',
  },
  {
    key: 'maxDrawdown',
    name: 'Max drawdown',
    formula: 'max_t D_t, D_t = 1 - E_t / max(E_0..E_t)',
    notes:
      'Positive fraction below the running peak (0.2 = 20% below the high-water mark). 0 if never below a peak.',
  },
  {
    key: 'maxDrawdownDurationBars',
    name: 'Max drawdown duration',
    formula: 'recovery index - peak index of the deepest drawdown',
    notes:
      'In bars, from the high-water mark to the first bar back at or above it; if not recovered, to the last bar (recovery date null).',
  },
  {
    key: 'longestUnderwaterBars',
    name: 'Longest underwater period',
    formula: 'max over drawdowns of (recovery index - peak index)',
    notes:
      'Same measure as above for every drawdown, deepest or not; an open drawdown counts to the last bar.',
  },
  {
    key: 'calmar',
    name: 'Calmar ratio',
    formula: 'CAGR / |maxDrawdown|',
    notes: 'Over the whole run. Null when maxDrawdown = 0 or CAGR is null.',
  },
  {
    key: 'winRate',
    name: 'Win rate',
    formula: 'count(pnl > 0) / count(closed trades)',
    notes: 'A trade with pnl = 0 is a trade but not a win. Null with no closed trades.',
  },
  {
    key: 'profitFactor',
    name: 'Profit factor',
    formula: 'sum(pnl > 0) / |sum(pnl < 0)|',
    notes: 'Gross profit / gross loss of closed trades. Null with no losing trade (unbounded) or no trades.',
  },
  {
    key: 'averageWin',
    name: 'Average win / loss',
    formula: 'mean(pnl | pnl > 0), mean(pnl | pnl < 0)',
    notes: 'In account currency; the average loss is negative. Null when there is no winner / loser.',
  },
  {
    key: 'expectancy',
    name: 'Expectancy',
    formula: 'sum(pnl) / count(closed trades)',
    notes: 'Mean pnl per closed trade (= winRate * avgWin + lossRate * avgLoss). Null with no trades.',
  },
  {
    key: 'exposure',
    name: 'Exposure',
    formula: 'mean over bars of (gross position value / equity)',
    notes: '0 = always flat, 1 = always fully invested. Null when no bar reports exposure.',
  },
  {
    key: 'turnover',
    name: 'Turnover',
    formula: '(sum |quantity * price| over fills) / mean(E) * 252 / n',
    notes: 'Annualised traded notional over mean equity; buys and sells both count. Null when n = 0.',
  },
  {
    key: 'beta',
    name: 'Beta',
    formula: 'cov(x, y) / var(x), y = r - rf_d, x = b - rf_d',
    notes:
      'OLS slope of daily excess strategy returns on daily excess benchmark returns. Null without a benchmark on every bar or with a zero-variance benchmark.',
  },
  {
    key: 'alpha',
    name: 'Alpha',
    formula: '(mean(y) - beta * mean(x)) * 252',
    notes: 'OLS intercept annualised by simple multiplication (Jensen). Null as beta.',
  },
  {
    key: 'valueAtRisk95',
    name: 'Historical VaR 95 / 99',
    formula: '-(k-th smallest r), k = ceil(n * p), p = 0.05 / 0.01',
    notes: 'Nearest-rank historical one-day VaR as a positive loss fraction. Null when n = 0.',
  },
  {
    key: 'conditionalValueAtRisk95',
    name: 'Historical CVaR 95 / 99',
    formula: '-mean(k smallest r)',
    notes: 'Expected shortfall over the same k worst days. Null when n = 0.',
  },
  {
    key: 'bestDay',
    name: 'Best / worst day',
    formula: 'max(r), min(r)',
    notes: 'With the date of the bar. Null when n = 0.',
  },
  {
    key: 'rollingSharpe',
    name: 'Rolling Sharpe',
    formula: 'Sharpe over each trailing window of 63 daily returns',
    notes: 'Dated at the window end; starts at the 63rd return; null where the window has zero variance.',
  },
  {
    key: 'drawdown',
    name: 'Drawdown series',
    formula: 'D_t = 1 - E_t / max(E_0..E_t) at every bar',
    notes: 'Underwater curve; charts plot -D_t.',
  },
  {
    key: 'monthlyReturns',
    name: 'Monthly returns',
    formula: 'E(last bar of month) / E(last bar of previous month) - 1',
    notes:
      'Calendar months in UTC, daily returns compounded; the first month starts at the first bar. Year total = compounded months.',
  },
];

/** docs/metrics.md, rendered from METRIC_DEFINITIONS. */
export function renderMetricsMarkdown(): string {
  const lines = [
    '# Performance metrics',
    '',
    '<!-- Generated from libs/performance/src/definitions.ts by `npm run docs -w @ats/performance`; do not edit. -->',
    '',
    'Notation: E_t = equity at bar t (N bars), r_t = daily simple return (n = N - 1 of them), b_t = benchmark',
    'daily return, rf = annual risk-free rate (default 0), rf_d = its daily equivalent. Bars are trading days;',
    'annualisation uses 252 trading days. All ratios and returns are fractions (0.05 = 5%).',
    '',
    '## Conventions of the backtest engine',
    '',
    '- Base point: with a warm-up, E_0 is the last warm-up close (all cash), so a 2023 run measures from the',
    '  2022-12-30 close to the 2023-12-29 close, as a calendar-year return does; the benchmark is bought there too.',
    '  Decisions at bar t see bars up to t; their orders fill at bar t+1 open or later.',
    "- Cash dividends (default; `--price-only` turns them off): with c_t the close and a_t the source's",
    '  dividend-and-split-adjusted close, the factor f_t = a_t / c_t steps up only on an ex-date D, and the cash',
    '  dividend per share is Div_D = c_{D-1} × (1 − f_{D-1} / f_D), rounded to 6 decimals; steps of',
    "  Div_D / c_{D-1} ≤ 1e-5 are rounding noise of a_t and ignored. On D, before D's fills, the book is credited",
    '  quantity held at the close of D-1 × Div_D (charged on shorts). Dividends are held as cash, not reinvested.',
    '- Benchmark: a ticker (SPY by default, traded or not) is valued as B_t = capital × a_t / a_0 (total return,',
    '  dividends reinvested; c_t / c_0 with `--price-only`). `equal-weight` buys capital / N of each symbol at its',
    "  first close and credits its dividends in cash. Alpha and beta regress on the benchmark's daily returns.",
    '',
  ];
  for (const d of METRIC_DEFINITIONS) {
    lines.push(`## ${d.name} (\`${d.key}\`)`, '', `- Formula: \`${d.formula}\``, `- ${d.notes}`, '');
  }
  lines.push('# Research statistics: agent calibration, adaptive weights, overfitting', '');
  for (const d of RESEARCH_DEFINITIONS) {
    lines.push(`## ${d.name} (\`${d.key}\`)`, '', `- Formula: \`${d.formula}\``, `- ${d.notes}`, '');
  }
  return lines.join('\n');
}
