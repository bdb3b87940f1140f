import type { Bar } from '@ats/contracts';
import { canonicalTime } from './canonical-time';
import { nyseSessions } from './nyse-calendar';
import type { BarBatch } from './provider';
import type { RowRejectionReason } from './row-rejection';

/*
 * What is wrong with one symbol's daily bars, as a run would use them: rows the normaliser dropped (and why),
 * duplicated dates, missing stretches of sessions, one-bar spikes that revert (bad ticks), and requested dates the
 * data does not reach. Pure: it reads a served batch and returns findings; callers report them or refuse to run.
 */

export interface DataQualityThresholds {
  /** More NYSE sessions than this missing between two consecutive bars is a gap (halts of a day or two are not). */
  readonly maxMissingSessions: number;
  /** A close this many times the previous close (or the previous close this many times it) is a jump... */
  readonly spikeRatio: number;
  /** ...and a spike when the next close is back within this ratio of the close before the jump. */
  readonly revertRatio: number;
}

/**
 * Chosen against the 36 symbols of the shared data folder (split-adjusted, 2010–2026): none of them flags a gap, a
 * spike or a dropped row there. The largest one-day moves of those large caps that reverted the next day stay well
 * under a 1.5× jump; a bad tick (a price typed ×10 or ×100, a decimal shifted) is far beyond it.
 */
export const DEFAULT_DATA_QUALITY_THRESHOLDS: DataQualityThresholds = {
  maxMissingSessions: 3,
  spikeRatio: 1.5,
  revertRatio: 1.15,
};

/** What the run did about a finding: the row was left out, the first of several rows kept, the bar kept as given, or the run is shorter than asked. */
export type DataQualityAction = 'dropped' | 'kept-first' | 'kept' | 'cut';

interface FindingBase {
  readonly symbol: string;
  /** The trading date concerned (the first one of a gap or an uncovered stretch); an unreadable date as written. */
  readonly date: string;
  readonly action: DataQualityAction;
  /** One line for a console or a report, symbol first. */
  readonly message: string;
}

export type DataQualityFinding =
  | (FindingBase & {
      readonly kind: 'rejected-row';
      readonly reason: RowRejectionReason;
      readonly detail: string;
    })
  /** Rows dropped by a source that did not say why (the data gateway sends a count only). */
  | (FindingBase & { readonly kind: 'dropped-rows'; readonly count: number })
  | (FindingBase & { readonly kind: 'duplicate-date' })
  | (FindingBase & { readonly kind: 'gap'; readonly nextDate: string; readonly missingSessions: number })
  | (FindingBase & {
      readonly kind: 'spike';
      readonly previousClose: number;
      readonly close: number;
      readonly nextClose: number;
    })
  | (FindingBase & {
      readonly kind: 'range-not-covered';
      readonly end: 'start' | 'end';
      readonly requested: string;
      readonly missingSessions: number;
    });

export type DataQualityKind = DataQualityFinding['kind'];

export interface DataQualityInput {
  readonly symbol: string;
  /** The symbol's bars as served, with the notes of the rows that were dropped. */
  readonly batch: Pick<BarBatch, 'bars' | 'droppedRows' | 'rejectedRows' | 'duplicateDates'>;
  /** Only rows and bars on or after this trading date are looked at (e.g. a run's first warm-up bar). */
  readonly inspectFrom?: string;
  /** The trading dates the caller asked for, inclusive: sessions in it that the data does not reach are findings. */
  readonly requested?: { readonly from: string; readonly to: string };
}

const dateOf = (bar: Bar) => bar.ts.slice(0, 10);

/** Every finding for one symbol, in date order. */
export function inspectDataQuality(
  input: DataQualityInput,
  thresholds: DataQualityThresholds = DEFAULT_DATA_QUALITY_THRESHOLDS,
): DataQualityFinding[] {
  const symbol = input.symbol.toUpperCase();
  const from = input.inspectFrom;
  const inspected = (date: string) => from === undefined || !/^\d{4}-\d{2}-\d{2}/.test(date) || date >= from;
  const bars = from === undefined ? input.batch.bars : input.batch.bars.filter((bar) => dateOf(bar) >= from);
  const findings: DataQualityFinding[] = [
    ...droppedRowFindings(symbol, input.batch, inspected),
    ...gapFindings(symbol, bars, thresholds),
    ...spikeFindings(symbol, bars, thresholds),
  ];
  findings.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  if (input.requested) findings.push(...coverageFindings(symbol, input.batch.bars, input.requested));
  return findings;
}

function droppedRowFindings(
  symbol: string,
  batch: DataQualityInput['batch'],
  inspected: (date: string) => boolean,
): DataQualityFinding[] {
  const rejected = batch.rejectedRows ?? [];
  const duplicates = batch.duplicateDates ?? [];
  if (rejected.length === 0 && duplicates.length === 0 && batch.droppedRows > 0) {
    const date = batch.bars[0] ? dateOf(batch.bars[0]) : '';
    return [
      {
        kind: 'dropped-rows',
        symbol,
        date,
        action: 'dropped',
        count: batch.droppedRows,
        message: `${symbol}: ${batch.droppedRows} row(s) dropped by the source as invalid (reasons not sent; see its log)`,
      },
    ];
  }
  return [
    ...rejected
      .filter((row) => inspected(row.ts.slice(0, 10)))
      .map(
        (row): DataQualityFinding => ({
          kind: 'rejected-row',
          symbol,
          date: row.ts.slice(0, 10),
          action: 'dropped',
          reason: row.reason,
          detail: row.detail,
          message: `${symbol} ${row.ts.slice(0, 10)}: row dropped (${row.reason}: ${row.detail})`,
        }),
      ),
    ...duplicates.filter(inspected).map(
      (date): DataQualityFinding => ({
        kind: 'duplicate-date',
        symbol,
        date,
        action: 'kept-first',
        message: `${symbol} ${date}: date appears more than once; the first row is used, the others dropped`,
      }),
    ),
  ];
}

function gapFindings(
  symbol: string,
  bars: readonly Bar[],
  thresholds: DataQualityThresholds,
): DataQualityFinding[] {
  const findings: DataQualityFinding[] = [];
  for (let i = 1; i < bars.length; i += 1) {
    const before = dateOf(bars[i - 1] as Bar);
    const after = dateOf(bars[i] as Bar);
    // Cheap test first: consecutive bars a few calendar days apart cannot hide more missing sessions than that.
    if (daysBetween(before, after) - 1 <= thresholds.maxMissingSessions) continue;
    const missing = sessionsStrictlyBetween(before, after);
    if (missing.length <= thresholds.maxMissingSessions) continue;
    findings.push({
      kind: 'gap',
      symbol,
      date: missing[0] as string,
      nextDate: after,
      missingSessions: missing.length,
      action: 'kept',
      message: `${symbol} ${missing[0]}..${missing.at(-1)}: ${missing.length} sessions without a bar (between ${before} and ${after})`,
    });
  }
  return findings;
}

function spikeFindings(
  symbol: string,
  bars: readonly Bar[],
  thresholds: DataQualityThresholds,
): DataQualityFinding[] {
  const findings: DataQualityFinding[] = [];
  // The last bar has no next close to revert to: a jump there cannot be told from a real move.
  for (let i = 1; i + 1 < bars.length; i += 1) {
    const previousClose = (bars[i - 1] as Bar).close;
    const bar = bars[i] as Bar;
    const nextClose = (bars[i + 1] as Bar).close;
    const jump = bar.close / previousClose;
    const back = nextClose / previousClose;
    const jumped = jump >= thresholds.spikeRatio || jump <= 1 / thresholds.spikeRatio;
    const reverted = back < thresholds.revertRatio && back > 1 / thresholds.revertRatio;
    if (!jumped || !reverted) continue;
    findings.push({
      kind: 'spike',
      symbol,
      date: dateOf(bar),
      previousClose,
      close: bar.close,
      nextClose,
      action: 'kept',
      message: `${symbol} ${dateOf(bar)}: close ${bar.close} is ${formatRatio(jump)} the close before (${previousClose}) and back to ${nextClose} the next day: a likely bad tick, kept as given`,
    });
  }
  return findings;
}

function coverageFindings(
  symbol: string,
  bars: readonly Bar[],
  requested: { readonly from: string; readonly to: string },
): DataQualityFinding[] {
  const sessions = nyseSessions(requested.from, requested.to);
  const first = sessions[0];
  const last = sessions.at(-1);
  if (first === undefined || last === undefined) return [];
  const inRange = bars.map(dateOf).filter((date) => date >= requested.from && date <= requested.to);
  const firstBar = inRange[0];
  const lastBar = inRange.at(-1);
  if (firstBar === undefined || lastBar === undefined) {
    return [
      {
        kind: 'range-not-covered',
        symbol,
        date: first,
        end: 'start',
        requested: requested.from,
        missingSessions: sessions.length,
        action: 'cut',
        message: `${symbol}: no bars at all between ${requested.from} and ${requested.to}`,
      },
    ];
  }
  const findings: DataQualityFinding[] = [];
  const lateStart = sessions.filter((date) => date < firstBar).length;
  if (lateStart > 0) {
    findings.push({
      kind: 'range-not-covered',
      symbol,
      date: first,
      end: 'start',
      requested: requested.from,
      missingSessions: lateStart,
      action: 'cut',
      message: `${symbol}: data starts ${firstBar}, ${lateStart} session(s) after the requested start ${requested.from}; the run is shorter`,
    });
  }
  const earlyEnd = sessions.filter((date) => date > lastBar).length;
  if (earlyEnd > 0) {
    findings.push({
      kind: 'range-not-covered',
      symbol,
      date: lastBar,
      end: 'end',
      requested: requested.to,
      missingSessions: earlyEnd,
      action: 'cut',
      message: `${symbol}: data ends ${lastBar}, ${earlyEnd} session(s) before the requested end ${requested.to}; the run is cut there`,
    });
  }
  return findings;
}

/** `×100`, `×1/3`: how a close compares with the one before. */
function formatRatio(ratio: number): string {
  return ratio >= 1 ? `×${Number(ratio.toPrecision(3))}` : `×1/${Number((1 / ratio).toPrecision(3))}`;
}

const DAY_MS = 86_400_000;

/** Calendar days between two `YYYY-MM-DD` dates (asked of every bar: the times come from the shared date table). */
function daysBetween(from: string, to: string): number {
  return Math.round(
    ((canonicalTime(to)?.ms ?? Number.NaN) - (canonicalTime(from)?.ms ?? Number.NaN)) / DAY_MS,
  );
}

function sessionsStrictlyBetween(from: string, to: string): string[] {
  return nyseSessions(from, to).filter((date) => date > from && date < to);
}
