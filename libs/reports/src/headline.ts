import type { PerformanceMetrics } from '@ats/performance';
import { formatAmount, formatDate, formatPercent, formatRatio, MISSING } from './format';

/** One line of the headline table: the strategy's figure, the benchmark's where it has one, and its sign. */
export interface HeadlineRow {
  readonly label: string;
  readonly strategy: string;
  readonly benchmark: string;
  /** Positive = good, negative = bad, 0 = neutral: drives green/red colouring. */
  readonly tone: number;
}

const toneOf = (value: number | null | undefined) =>
  value === null || value === undefined ? 0 : Math.sign(value);

/** The figures a trader reads first, in reading order, shared by the console summary and the tear sheet. */
export function headlineRows(m: PerformanceMetrics): HeadlineRow[] {
  const b = m.benchmark;
  return [
    {
      label: 'Total return',
      strategy: formatPercent(m.totalReturn),
      benchmark: formatPercent(b?.totalReturn),
      tone: toneOf(m.totalReturn),
    },
    {
      label: 'CAGR',
      strategy: formatPercent(m.cagr),
      benchmark: formatPercent(b?.cagr),
      tone: toneOf(m.cagr),
    },
    {
      label: 'Annual volatility',
      strategy: formatPercent(m.annualVolatility),
      benchmark: formatPercent(b?.annualVolatility),
      tone: 0,
    },
    {
      label: 'Sharpe',
      strategy: formatRatio(m.sharpe),
      benchmark: formatRatio(b?.sharpe),
      tone: toneOf(m.sharpe),
    },
    {
      label: 'Sortino',
      strategy: formatRatio(m.sortino),
      benchmark: formatRatio(b?.sortino),
      tone: toneOf(m.sortino),
    },
    {
      label: 'Max drawdown',
      strategy: formatPercent(m.maxDrawdown),
      benchmark: formatPercent(b?.maxDrawdown),
      tone: m.maxDrawdown > 0 ? -1 : 0,
    },
    {
      label: 'Calmar',
      strategy: formatRatio(m.calmar),
      benchmark: formatRatio(b?.calmar),
      tone: toneOf(m.calmar),
    },
    {
      label: 'Max DD duration (bars)',
      strategy: `${m.maxDrawdownDurationBars}${m.maxDrawdownPeakTs && !m.maxDrawdownRecoveryTs ? ' (open)' : ''}`,
      benchmark: MISSING,
      tone: 0,
    },
    {
      label: 'Longest underwater (bars)',
      strategy: String(m.longestUnderwaterBars),
      benchmark: MISSING,
      tone: 0,
    },
    { label: 'Alpha (annual)', strategy: formatPercent(m.alpha), benchmark: MISSING, tone: toneOf(m.alpha) },
    { label: 'Beta', strategy: formatRatio(m.beta), benchmark: MISSING, tone: 0 },
    {
      label: 'VaR 95 / 99 (1 day)',
      strategy: `${formatPercent(m.valueAtRisk95)} / ${formatPercent(m.valueAtRisk99)}`,
      benchmark: MISSING,
      tone: 0,
    },
    {
      label: 'CVaR 95 / 99 (1 day)',
      strategy: `${formatPercent(m.conditionalValueAtRisk95)} / ${formatPercent(m.conditionalValueAtRisk99)}`,
      benchmark: MISSING,
      tone: 0,
    },
    {
      label: 'Best day',
      strategy: m.bestDay ? `${formatPercent(m.bestDay.value)} ${formatDate(m.bestDay.ts)}` : MISSING,
      benchmark: MISSING,
      tone: 0,
    },
    {
      label: 'Worst day',
      strategy: m.worstDay ? `${formatPercent(m.worstDay.value)} ${formatDate(m.worstDay.ts)}` : MISSING,
      benchmark: MISSING,
      tone: 0,
    },
    { label: 'Trades', strategy: String(m.tradeCount), benchmark: MISSING, tone: 0 },
    { label: 'Win rate', strategy: formatPercent(m.winRate, 1), benchmark: MISSING, tone: 0 },
    {
      label: 'Profit factor',
      strategy: formatRatio(m.profitFactor),
      benchmark: MISSING,
      tone: m.profitFactor === null ? 0 : Math.sign(m.profitFactor - 1),
    },
    {
      label: 'Avg win / avg loss',
      strategy: `${formatAmount(m.averageWin)} / ${formatAmount(m.averageLoss)}`,
      benchmark: MISSING,
      tone: 0,
    },
    {
      label: 'Expectancy (per trade)',
      strategy: formatAmount(m.expectancy),
      benchmark: MISSING,
      tone: toneOf(m.expectancy),
    },
    { label: 'Exposure (mean)', strategy: formatPercent(m.exposure, 1), benchmark: MISSING, tone: 0 },
    { label: 'Turnover (annual)', strategy: formatRatio(m.turnover), benchmark: MISSING, tone: 0 },
  ];
}
