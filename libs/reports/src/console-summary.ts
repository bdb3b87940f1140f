import { formatAmount, formatDate, formatInteger, formatPercent, formatRatio } from './format';
import { headlineRows } from './headline';
import type { BacktestReportInput } from './types';

const ANSI = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  green: '\u001b[32m',
  red: '\u001b[31m',
  reset: '\u001b[0m',
};
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;

export interface ConsoleSummaryOptions {
  /** Emit ANSI colours; the writer turns this on only for a TTY. */
  readonly color?: boolean;
}

/** Visible width, ignoring colour codes, so coloured cells still line up. */
const visibleLength = (text: string) => text.replace(ANSI_PATTERN, '').length;

/** Left-aligns the first column and right-aligns the others (numbers), two spaces apart. */
export function alignTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - visibleLength(cell));
        return i === 0 ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** A plain-text summary of the run for the terminal. Pure: the caller decides where it goes. */
export function renderConsoleSummary(
  input: BacktestReportInput,
  options: ConsoleSummaryOptions = {},
): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${ANSI.reset}` : text);
  const toned = (tone: number, text: string) =>
    tone > 0 ? paint(ANSI.green, text) : tone < 0 ? paint(ANSI.red, text) : text;
  const m = input.performance.metrics;
  const lines: string[] = [
    paint(ANSI.bold, input.title),
    `${formatDate(m.periodStart)} → ${formatDate(m.periodEnd)}  ${m.bars} bars  equity ${formatAmount(m.startEquity)} → ${formatAmount(m.endEquity)}`,
    '',
    ...alignTable([
      [
        paint(ANSI.bold, 'Metric'),
        paint(ANSI.bold, 'Strategy'),
        paint(ANSI.bold, input.benchmarkName ?? 'Benchmark'),
      ],
      ...headlineRows(m).map((row) => [
        row.label,
        toned(row.tone, row.strategy),
        paint(ANSI.dim, row.benchmark),
      ]),
    ]),
  ];
  if (input.dataNotes && input.dataNotes.length > 0) {
    lines.push('', paint(ANSI.bold, 'Data notes'), ...input.dataNotes.map((note) => `- ${note}`));
  }
  if (input.attribution && input.attribution.length > 0) {
    lines.push(
      '',
      paint(ANSI.bold, 'Agent attribution'),
      ...alignTable([
        ['Variant', 'Return', 'CAGR', 'Sharpe', 'Max DD', 'Win rate', 'Trades'],
        ...input.attribution.map((row) => [
          row.variant,
          formatPercent(row.metrics.totalReturn),
          formatPercent(row.metrics.cagr),
          formatRatio(row.metrics.sharpe),
          formatPercent(row.metrics.maxDrawdown),
          formatPercent(row.metrics.winRate, 1),
          String(row.metrics.tradeCount),
        ]),
      ]),
    );
  }
  if (input.calibration && input.calibration.length > 0) {
    lines.push(
      '',
      paint(ANSI.bold, 'Agent calibration (calls against realised forward returns)'),
      ...alignTable([
        ['Agent', 'Horizon', 'Outcomes', 'Calls', 'Hit rate', 'Brier', 'IC'],
        ...input.calibration.flatMap((a) =>
          a.horizons.map((h) => [
            a.agent,
            `${h.horizon}d`,
            String(h.outcomes),
            String(h.directionalCalls),
            formatPercent(h.hitRate, 1),
            formatRatio(h.brier, 4),
            formatRatio(h.informationCoefficient, 3),
          ]),
        ),
      ]),
    );
  }
  if (input.memorisationProbe) {
    const probe = input.memorisationProbe;
    const row = (label: string, m: typeof probe.named) => [
      label,
      formatPercent(m.totalReturn),
      formatRatio(m.sharpe),
      formatPercent(m.maxDrawdown),
      String(m.tradeCount),
    ];
    const signed = (text: string, value: number | null) => (value !== null && value >= 0 ? `+${text}` : text);
    lines.push(
      '',
      paint(ANSI.bold, `Memorisation probe (neutral ids, dates shifted ${probe.dateShiftDays} days)`),
      ...alignTable([
        ['Run', 'Return', 'Sharpe', 'Max DD', 'Trades'],
        row('named', probe.named),
        row('anonymised', probe.anonymised),
        [
          'gap',
          signed(formatPercent(probe.gap.totalReturn), probe.gap.totalReturn),
          signed(formatRatio(probe.gap.sharpe), probe.gap.sharpe),
          signed(formatPercent(probe.gap.maxDrawdown), probe.gap.maxDrawdown),
          String(probe.gap.tradeCount),
        ],
      ]),
      `Same call in both runs: ${probe.agreement
        .map((a) => `${a.agent} ${formatPercent(a.agreement, 1)} of ${formatInteger(a.compared)}`)
        .join(', ')}`,
    );
  }
  if (input.llmUsage) {
    const u = input.llmUsage;
    lines.push(
      '',
      `LLM: ${formatInteger(u.calls)} calls (${formatInteger(u.cachedCalls)} cached), ` +
        `${formatInteger(u.promptTokens)} prompt + ${formatInteger(u.completionTokens)} completion tokens, ` +
        `$${formatAmount(u.costUsd, 4)}`,
    );
    if (u.budgetExhaustedAt)
      lines.push(
        `LLM budget reached: rule-based decisions from ${u.budgetExhaustedAt} (${u.budgetExhaustedInVariant ?? 'all'})`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the summary to a stream (stdout by default), coloured only when it is a TTY and NO_COLOR is unset. */
export function printConsoleSummary(
  input: BacktestReportInput,
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): void {
  const color = stream.isTTY === true && process.env.NO_COLOR === undefined;
  stream.write(renderConsoleSummary(input, { color }));
}
