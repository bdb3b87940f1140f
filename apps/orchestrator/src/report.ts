import { LLM_BUDGET_STOP_PREFIX } from '@ats/llm';
import type { CycleReport, SymbolRow } from './cycle-runner';

/** ANSI colours, used only when stdout is a terminal. */
const COLOURS = { green: '\x1b[32m', red: '\x1b[31m', dim: '\x1b[2m', yellow: '\x1b[33m', bold: '\x1b[1m' };
const RESET = '\x1b[0m';
type Colour = keyof typeof COLOURS;

export interface TableStyle {
  readonly colour: boolean;
}

const paint = (style: TableStyle, colour: Colour, text: string) =>
  style.colour ? `${COLOURS[colour]}${text}${RESET}` : text;

function signalCell(style: TableStyle, view: SymbolRow['technical'], width: number): string {
  if (!view) return '-'.padEnd(width);
  const text = `${view.signal} ${view.confidence.toFixed(2)}`.padEnd(width);
  if (view.signal === 'BUY') return paint(style, 'green', text);
  if (view.signal === 'SELL') return paint(style, 'red', text);
  return paint(style, 'dim', text);
}

const money = (x: number) =>
  x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The human table of one cycle: a heading with progress and latency, then one line per symbol. */
export function formatCycleTable(
  report: CycleReport,
  index: number,
  total: number,
  style: TableStyle,
): string {
  const status =
    report.kind === 'degraded'
      ? paint(style, 'yellow', `DEGRADED (${report.degraded.map((d) => d.agent).join(', ')})`)
      : 'ok';
  const lines = [
    paint(
      style,
      'bold',
      `[${index}/${total}] ${report.barTs.slice(0, 10)} ${report.pattern} ${report.mode} ` +
        `${report.latencyMs.toFixed(1)} ms  equity ${money(report.equity)}  cash ${money(report.cash)}  ` +
        `fills ${report.fills.length}  ${status}`,
    ),
    paint(style, 'dim', '  SYMBOL   CLOSE      TECHNICAL   SENTIMENT   ACTION      TARGET   ORDER'),
  ];
  for (const row of report.rows) {
    const order = row.order ? `${row.order.side} ${row.order.quantity}` : '-';
    lines.push(
      `  ${row.symbol.padEnd(8)} ${row.close.toFixed(2).padStart(9)}  ${signalCell(style, row.technical, 11)} ` +
        `${signalCell(style, row.sentiment, 11)} ${signalCell(style, row.action, 11)} ` +
        `${row.targetWeight === undefined ? '     -' : `${(row.targetWeight * 100).toFixed(1).padStart(5)}%`}   ${order}`,
    );
  }
  return lines.join('\n');
}

/** One JSON line per cycle for machines. */
export function cycleJson(report: CycleReport): string {
  return JSON.stringify({
    type: 'cycle',
    runId: report.runId,
    correlationId: report.correlationId,
    asOf: report.asOf,
    kind: report.kind,
    mode: report.mode,
    pattern: report.pattern,
    latencyMs: round(report.latencyMs),
    teamMs: round(report.teamMs),
    orderWaitMs: round(report.orderWaitMs),
    cash: round(report.cash),
    equity: round(report.equity),
    degraded: report.degraded,
    rows: report.rows,
    orders: report.orders.map((o) => ({
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      quantity: o.quantity,
    })),
    fills: report.fills.map((f) => ({
      fillId: f.fillId,
      symbol: f.symbol,
      side: f.side,
      quantity: f.quantity,
      price: f.price,
    })),
    // Orders the sizing model refused or cut at the close, and fills cut at the open: the reasons, for the audit.
    sizing: report.sizingNotes.filter((n) => n.action !== 'SKIPPED'),
    resized: report.resized,
  });
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Nearest-rank percentile (p in (0, 100]) of a sample; NaN when empty. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface LatencySummary {
  readonly cycles: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly teamP50Ms: number;
  readonly teamP99Ms: number;
}

export function latencySummary(reports: readonly CycleReport[]): LatencySummary {
  const total = reports.map((r) => r.latencyMs);
  const team = reports.map((r) => r.teamMs);
  return {
    cycles: reports.length,
    p50Ms: round(percentile(total, 50)),
    p99Ms: round(percentile(total, 99)),
    maxMs: round(Math.max(...total)),
    teamP50Ms: round(percentile(team, 50)),
    teamP99Ms: round(percentile(team, 99)),
  };
}

export interface DegradedSummary {
  /** Cycles this process ran, and how many of them ran without at least one agent. */
  readonly cycles: number;
  readonly degradedCycles: number;
  /** degradedCycles / cycles (0 when no cycle ran). */
  readonly share: number;
  /** Cycles each missing agent was absent from. */
  readonly byAgent: Readonly<Record<string, number>>;
  /** The share a run may have; past it the run failed. */
  readonly maxShare: number;
  readonly failed: boolean;
  /**
   * Cycles whose LLM agents the budget left to their rules (LLM__BUDGET_USD_PER_*, --llm-budget-usd): a chosen
   * fallback, not a failure, so not counted as degraded. Present only when the budget stopped LLM use.
   */
  readonly llmBudget?: { readonly cycles: number; readonly reachedAt: string };
}

/**
 * How many cycles ran degraded (an agent timed out or failed), and whether that is past `maxShare`. Agents the LLM
 * budget left to their rules are counted apart, with the bar from which it did.
 */
export function degradedSummary(reports: readonly CycleReport[], maxShare: number): DegradedSummary {
  const byAgent: Record<string, number> = {};
  let degradedCycles = 0;
  let budgetCycles = 0;
  let budgetReachedAt: string | undefined;
  for (const report of reports) {
    const failures = report.degraded.filter((d) => !d.reason.includes(LLM_BUDGET_STOP_PREFIX));
    if (failures.length < report.degraded.length) {
      budgetCycles++;
      budgetReachedAt ??= report.barTs;
    }
    if (failures.length === 0) continue;
    degradedCycles++;
    for (const agent of new Set(failures.map((d) => d.agent))) byAgent[agent] = (byAgent[agent] ?? 0) + 1;
  }
  const share = reports.length > 0 ? degradedCycles / reports.length : 0;
  return {
    cycles: reports.length,
    degradedCycles,
    share: round(share),
    byAgent,
    maxShare,
    failed: share > maxShare,
    ...(budgetReachedAt ? { llmBudget: { cycles: budgetCycles, reachedAt: budgetReachedAt } } : {}),
  };
}
