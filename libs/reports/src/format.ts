/** Display formatting shared by the console summary and the tear sheet. Missing values show as an en dash. */
export const MISSING = '–';

export function formatPercent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return `${(value * 100).toFixed(digits)}%`;
}

export function formatRatio(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return value.toFixed(digits);
}

/** Thousands-separated amount with fixed decimals, locale-independent (reports must not vary by machine). */
export function formatAmount(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  const [whole, fraction] = Math.abs(value).toFixed(digits).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function formatInteger(value: number | null | undefined): string {
  return formatAmount(value, 0);
}

/** `2023-01-03T21:00:00.000Z` → `2023-01-03` (daily bars: the date is what a trader reads). */
export function formatDate(ts: string | null | undefined): string {
  return ts ? ts.slice(0, 10) : MISSING;
}
