/** A bar's time: the contract's canonical `ts` (`2023-01-03T00:00:00.000Z` form) and its epoch ms. */
export interface CanonicalTime {
  readonly ts: string;
  readonly ms: number;
}

/**
 * Times of date-only strings, shared by every series and by the data-quality check: the 36 files of a data folder
 * repeat the same few thousand dates, and parsing and formatting each row's date cost more than the rest of
 * normalising it. Only `YYYY-MM-DD` is kept (it names one UTC instant whatever the process's time zone); cleared
 * when full.
 */
const dateOnlyTimes = new Map<string, CanonicalTime | null>();
const DATE_ONLY_TIMES_LIMIT = 100_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `2023-01-03` (midnight UTC) or any ISO instant → its canonical ts and ms; undefined when unparseable. */
export function canonicalTime(ts: string): CanonicalTime | undefined {
  // Only date-only strings are keys, so a hit needs no pattern test.
  let known = dateOnlyTimes.get(ts);
  if (known === undefined) {
    if (!DATE_ONLY.test(ts)) return timeAt(Date.parse(ts));
    known = timeAt(Date.parse(`${ts}T00:00:00Z`)) ?? null;
    if (dateOnlyTimes.size >= DATE_ONLY_TIMES_LIMIT) dateOnlyTimes.clear();
    dateOnlyTimes.set(ts, known);
  }
  return known ?? undefined;
}

function timeAt(ms: number): CanonicalTime | undefined {
  return Number.isFinite(ms) ? { ts: new Date(ms).toISOString(), ms } : undefined;
}
