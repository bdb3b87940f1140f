import type { RawBar } from './normalise';

/** Why a provider row was not turned into a bar. */
export type RowRejectionReason =
  | 'unreadable-date'
  | 'future-date'
  | 'missing-value'
  | 'non-positive-price'
  | 'negative-volume'
  | 'high-below-low'
  | 'price-outside-high-low'
  | 'invalid';

/** A row the normaliser dropped, with the reason a reader can act on. */
export interface RejectedRow {
  /** The row's date or timestamp as the source wrote it (`YYYY-MM-DD` for the data folder's files). */
  readonly ts: string;
  readonly reason: RowRejectionReason;
  /** The offending values, e.g. `high 90 below low 95`. */
  readonly detail: string;
}

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/**
 * The first thing wrong with a row's values, or undefined when they make a valid bar. Checked in the order a
 * reader would look: missing cells, then signs, then the high/low envelope. (The date is checked by the caller.)
 */
export function rowValueProblem(row: RawBar): Omit<RejectedRow, 'ts'> | undefined {
  const { open, high, low, close, volume } = row;
  // Each test first on the values themselves; the field lists behind a message are built only for a row that fails
  // it (almost none do, and building them for every row showed in profiles).
  if (
    !(
      Number.isFinite(open) &&
      Number.isFinite(high) &&
      Number.isFinite(low) &&
      Number.isFinite(close) &&
      Number.isFinite(volume)
    )
  ) {
    const missing = [...PRICE_FIELDS, 'volume' as const].filter((field) => !Number.isFinite(row[field]));
    return { reason: 'missing-value', detail: `${missing.join(', ')} empty or not a number` };
  }
  if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
    const nonPositive = PRICE_FIELDS.filter((field) => row[field] <= 0);
    return {
      reason: 'non-positive-price',
      detail: nonPositive.map((field) => `${field} ${row[field]}`).join(', '),
    };
  }
  if (volume < 0) return { reason: 'negative-volume', detail: `volume ${volume}` };
  if (high < low) return { reason: 'high-below-low', detail: `high ${high} below low ${low}` };
  if (high < Math.max(open, close) || low > Math.min(open, close)) {
    return {
      reason: 'price-outside-high-low',
      detail: `open ${open} / close ${close} outside low ${low} .. high ${high}`,
    };
  }
  return undefined;
}
