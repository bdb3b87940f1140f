export interface MonthlyReturnsRow {
  readonly year: number;
  /** Index 0 = January … 11 = December; null for months with no bar in the curve. */
  readonly months: readonly (number | null)[];
  /** The year's return, compounded from its months (= last equity of the year / equity the year started from − 1). */
  readonly yearTotal: number;
}

/**
 * Monthly returns table (calendar months in UTC): a month's return is E(last bar of the month) /
 * E(last bar of the previous month) − 1, i.e. its daily returns compounded. The first month starts from the
 * first bar of the curve, so it covers only the returns after that bar.
 */
export function monthlyReturnsTable(
  values: readonly number[],
  timestamps: readonly string[],
): MonthlyReturnsRow[] {
  const rows = new Map<number, { months: (number | null)[]; yearStart: number; yearEnd: number }>();
  let monthStartValue = values[0]!;
  for (let t = 0; t < values.length; t++) {
    const date = new Date(timestamps[t]!);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const next = t + 1 < values.length ? new Date(timestamps[t + 1]!) : null;
    const lastBarOfMonth = next === null || next.getUTCFullYear() !== year || next.getUTCMonth() !== month;
    if (!lastBarOfMonth) continue;
    let row = rows.get(year);
    if (!row) {
      row = { months: Array<number | null>(12).fill(null), yearStart: monthStartValue, yearEnd: 0 };
      rows.set(year, row);
    }
    row.months[month] = values[t]! / monthStartValue - 1;
    row.yearEnd = values[t]!;
    monthStartValue = values[t]!;
  }
  return [...rows.entries()].map(([year, row]) => ({
    year,
    months: row.months,
    yearTotal: row.yearEnd / row.yearStart - 1,
  }));
}
