import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BacktestOverfitting,
  cscvPartitions,
  deflatedSharpeOfTrials,
  probabilityOfBacktestOverfitting,
  TRADING_DAYS_PER_YEAR,
  type TrialsDeflatedSharpe,
} from '@ats/performance';
import { alignTable, formatDate, formatRatio, toCanonicalJson } from '@ats/reports';
import type { SweepCase } from './sweep';
import type { SweepRunRow } from './sweep-queue';

/** The equity curve of one finished case, as stored with its result ({ ts, equity } points, base point first). */
export interface CaseCurve {
  readonly equityCurve: readonly { readonly ts: string; readonly equity: number }[] | null;
  readonly sharpe: number | null;
}

export interface WalkForwardRow {
  readonly window: { readonly start: string; readonly end: string };
  /** The case chosen on the previous window (best Sharpe there). */
  readonly chosen: string;
  readonly inSampleSharpe: number | null;
  readonly outOfSampleSharpe: number | null;
  /** Rank of the chosen case among the window's cases by Sharpe, 1 = best. */
  readonly outOfSampleRank: number | null;
  readonly cases: number;
  readonly medianSharpe: number | null;
}

export interface SweepStatistics {
  /** N: parameter combinations (walk-forward windows of one combination count once). */
  readonly trials: number;
  /** T: daily returns each trial has on the common dates. */
  readonly observations: number;
  readonly trialLabels: readonly string[];
  /** DSR of the best trial (null with no common dates); with one trial it is PSR(0). */
  readonly deflatedSharpe: (TrialsDeflatedSharpe & { readonly bestLabel: string }) | null;
  /** PBO by CSCV; null with one trial or too few dates for two blocks. */
  readonly overfitting: Omit<BacktestOverfitting, 'logits'> | null;
  /** Empty without --walk-forward or with one window. */
  readonly walkForward: readonly WalkForwardRow[];
  /** Why a statistic is missing, for the reader. */
  readonly notes: readonly string[];
}

const paramsLabel = (c: SweepCase) =>
  Object.entries(c.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || 'base';

/**
 * The overfitting statistics of a finished sweep: each parameter combination is one trial, its windows' daily
 * returns stitched; the T × N matrix keeps the dates every trial has. `curves` is in `cases` order; failed cases
 * (no curve) are left out with a note.
 */
export function sweepStatistics(cases: readonly SweepCase[], curves: readonly CaseCurve[]): SweepStatistics {
  const notes: string[] = [];
  const trials = new Map<string, Map<string, number>>();
  const windows = new Map<string, Map<string, number | null>>();
  cases.forEach((c, i) => {
    const label = paramsLabel(c);
    const curve = curves[i]?.equityCurve;
    const windowKey = `${c.window.start}..${c.window.end}`;
    const perWindow = windows.get(windowKey) ?? new Map<string, number | null>();
    perWindow.set(label, curve ? (curves[i]?.sharpe ?? null) : null);
    windows.set(windowKey, perWindow);
    if (!curve) {
      notes.push(`${label} ${windowKey}: no result, left out`);
      return;
    }
    const returns = trials.get(label) ?? new Map<string, number>();
    for (let k = 1; k < curve.length; k++) {
      const prev = curve[k - 1]?.equity as number;
      const point = curve[k] as { ts: string; equity: number };
      if (prev > 0) returns.set(point.ts, point.equity / prev - 1);
    }
    trials.set(label, returns);
  });
  const labels = [...trials.keys()];
  const common = commonDates([...trials.values()]);
  const matrix = common.map((ts) => labels.map((label) => trials.get(label)?.get(ts) as number));

  let deflated: SweepStatistics['deflatedSharpe'] = null;
  if (labels.length >= 1 && common.length >= 2) {
    const dsr = deflatedSharpeOfTrials(matrix);
    deflated = { ...dsr, bestLabel: labels[dsr.best] as string };
  } else notes.push('deflated Sharpe: fewer than 2 common daily returns');
  let overfitting: SweepStatistics['overfitting'] = null;
  const partitions = cscvPartitions(common.length);
  if (labels.length < 2)
    notes.push('PBO: needs at least 2 parameter combinations (one trial cannot be over-selected)');
  else if (partitions === 0) notes.push(`PBO: ${common.length} common daily returns are too few for CSCV`);
  else {
    const { logits: _logits, ...rest } = probabilityOfBacktestOverfitting(matrix, partitions);
    overfitting = rest;
  }
  return {
    trials: labels.length,
    observations: common.length,
    trialLabels: labels,
    deflatedSharpe: deflated,
    overfitting,
    walkForward: walkForwardRows([...windows.entries()]),
    notes,
  };
}

/** For each window after the first: the case with the best Sharpe in the window before, and how it did next. */
function walkForwardRows(windows: readonly [string, Map<string, number | null>][]): WalkForwardRow[] {
  const ordered = [...windows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rows: WalkForwardRow[] = [];
  for (let k = 1; k < ordered.length; k++) {
    const [, before] = ordered[k - 1] as [string, Map<string, number | null>];
    const [key, now] = ordered[k] as [string, Map<string, number | null>];
    let chosen: string | undefined;
    for (const [label, sharpe] of before)
      if (sharpe !== null && (chosen === undefined || sharpe > (before.get(chosen) as number)))
        chosen = label;
    const [start, end] = key.split('..') as [string, string];
    const scored = [...now.values()].filter((s): s is number => s !== null).sort((a, b) => b - a);
    const oos = chosen === undefined ? null : (now.get(chosen) ?? null);
    rows.push({
      window: { start, end },
      chosen: chosen ?? '—',
      inSampleSharpe: chosen === undefined ? null : (before.get(chosen) ?? null),
      outOfSampleSharpe: oos,
      outOfSampleRank: oos === null ? null : scored.indexOf(oos) + 1,
      cases: now.size,
      medianSharpe: median(scored),
    });
  }
  return rows;
}

function commonDates(series: readonly Map<string, number>[]): string[] {
  const [first, ...rest] = series;
  if (!first) return [];
  return [...first.keys()].filter((ts) => rest.every((s) => s.has(ts))).sort();
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const prob = (p: number) => p.toFixed(4);
const annualised = (perDay: number) => formatRatio(perDay * Math.sqrt(TRADING_DAYS_PER_YEAR));

/** The console section under the sweep table: DSR, PBO and the walk-forward IS/OOS table. */
export function renderSweepStatistics(stats: SweepStatistics): string {
  const lines = [
    `\nOverfitting statistics (${stats.trials} trial(s), ${stats.observations} common daily returns)`,
  ];
  const d = stats.deflatedSharpe;
  if (d) {
    lines.push(
      `deflated Sharpe ratio  ${prob(d.deflatedSharpe)}  best trial "${d.bestLabel}": Sharpe ${annualised(d.bestMoments.sharpe)} ` +
        `annualised (${d.bestMoments.sharpe.toFixed(4)} daily), skew ${d.bestMoments.skewness.toFixed(2)}, kurtosis ` +
        `${d.bestMoments.kurtosis.toFixed(2)}; expected max Sharpe of ${d.trials} trial(s) under no skill ` +
        `${annualised(d.expectedMaxSharpe)} annualised; PSR(0) ${prob(d.probabilisticSharpe)}`,
    );
  }
  const o = stats.overfitting;
  if (o) {
    lines.push(
      `probability of backtest overfitting (CSCV)  ${prob(o.pbo)}  (S = ${o.partitions} blocks, ${o.combinations} splits, ` +
        `${o.rowsUsed} rows)`,
    );
  }
  for (const note of stats.notes) lines.push(`note: ${note}`);
  if (stats.walkForward.length > 0) {
    lines.push(
      '',
      'Walk-forward: chosen on the previous window (in-sample), traded in this one (out-of-sample)',
    );
    const header = ['window', 'chosen case', 'IS Sharpe', 'OOS Sharpe', 'OOS rank', 'median OOS Sharpe'];
    const body = stats.walkForward.map((r) => [
      `${formatDate(r.window.start)}..${formatDate(r.window.end)}`,
      r.chosen,
      formatRatio(r.inSampleSharpe),
      formatRatio(r.outOfSampleSharpe),
      r.outOfSampleRank === null ? '—' : `${r.outOfSampleRank}/${r.cases}`,
      formatRatio(r.medianSharpe),
    ]);
    lines.push(...alignTable([header, ...body]));
  }
  return `${lines.join('\n')}\n`;
}

export interface SweepSummary {
  readonly statistics: SweepStatistics;
  /** The console section (DSR, PBO, walk-forward table). */
  readonly text: string;
  /** Canonical JSON: every case's parameters, window, status and metrics, and the statistics. */
  readonly json: string;
  readonly jsonPath: string;
}

/** The statistics of a finished sweep, its console section, and `<outDir>/<sweepId>.json`. */
export function summariseSweep(
  sweepId: string,
  cases: readonly SweepCase[],
  rows: readonly SweepRunRow[],
  outDir: string,
): SweepSummary {
  const statistics = sweepStatistics(
    cases,
    rows.map((r) => ({
      equityCurve: r.status === 'completed' ? r.equityCurve : null,
      sharpe: typeof r.metrics?.sharpe === 'number' ? r.metrics.sharpe : null,
    })),
  );
  const json = toCanonicalJson({
    sweepId,
    cases: cases.map((c, i) => ({
      label: c.label,
      params: c.params,
      window: c.window,
      runId: rows[i]?.id,
      status: rows[i]?.status,
      metrics: rows[i]?.metrics ?? null,
    })),
    statistics,
  });
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, `${sweepId}.json`);
  writeFileSync(jsonPath, json);
  return { statistics, text: renderSweepStatistics(statistics), json, jsonPath };
}
