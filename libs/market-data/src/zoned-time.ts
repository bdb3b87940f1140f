/** Time-zone arithmetic with the platform's IANA database (Intl), no dependency. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClockParts(epochMs: number, timeZone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts;
}

/** Offset of `timeZone` from UTC at an instant, in ms (New York in winter: -5 h), straight from Intl. */
function intlOffsetMs(epochMs: number, timeZone: string): number {
  const p = wallClockParts(epochMs, timeZone);
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** From this instant (epoch ms, a whole second) on, the zone is `offset` ms from UTC, until the next segment. */
interface OffsetSegment {
  readonly from: number;
  readonly offset: number;
}

const WEEK_MS = 7 * 86_400_000;
/** Per time zone, per UTC year: where its offset changes. */
const offsetYears = new Map<string, Map<number, readonly OffsetSegment[]>>();

/**
 * A year's offsets: Intl asked once a week, and where two weeks differ, the change found to the second by
 * bisection. About 110 Intl calls a year, where a data file with thousands of dates made two per date. Assumes a
 * zone changes its offset at most once in a week, true of every zone's rules in the IANA database since 1970.
 */
function yearSegments(timeZone: string, year: number): readonly OffsetSegment[] {
  let years = offsetYears.get(timeZone);
  if (years === undefined) {
    years = new Map();
    offsetYears.set(timeZone, years);
  }
  let segments = years.get(year);
  if (segments !== undefined) return segments;
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const found: OffsetSegment[] = [{ from: start, offset: intlOffsetMs(start, timeZone) }];
  let before = start;
  let beforeOffset = (found[0] as OffsetSegment).offset;
  while (before < end) {
    const probe = Math.min(before + WEEK_MS, end);
    const offset = intlOffsetMs(probe, timeZone);
    if (offset !== beforeOffset) {
      // The offset is beforeOffset at `low` and offset at `high`: narrow to the first second of the new one.
      let low = before;
      let high = probe;
      while (high - low > 1000) {
        const middle = low + Math.floor((high - low) / 2000) * 1000;
        if (intlOffsetMs(middle, timeZone) === beforeOffset) low = middle;
        else high = middle;
      }
      found.push({ from: high, offset: intlOffsetMs(high, timeZone) });
    }
    before = probe;
    beforeOffset = offset;
  }
  segments = found;
  years.set(year, segments);
  return segments;
}

/** Offset of `timeZone` from UTC at an instant, in ms (New York in winter: -5 h). */
function offsetMs(epochMs: number, timeZone: string): number {
  if (!Number.isFinite(epochMs)) return intlOffsetMs(epochMs, timeZone);
  const segments = yearSegments(timeZone, new Date(epochMs).getUTCFullYear());
  const second = Math.floor(epochMs / 1000) * 1000;
  let offset = (segments[0] as OffsetSegment).offset;
  for (let i = 1; i < segments.length && (segments[i] as OffsetSegment).from <= second; i++) {
    offset = (segments[i] as OffsetSegment).offset;
  }
  return offset;
}

/**
 * `2024-01-05 19:55:00` (wall clock in `timeZone`) → UTC epoch ms; NaN when unparseable.
 * Two passes settle the offset across daylight-saving changes.
 */
export function zonedWallClockToUtc(local: string, timeZone: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local.trim());
  if (!match) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const naive = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  let utc = naive - offsetMs(naive, timeZone);
  utc = naive - offsetMs(utc, timeZone);
  return utc;
}

/** Calendar date (`YYYY-MM-DD`) of an instant on the exchange's wall clock: the trading date of a daily bar. */
export function tradingDateIn(epochMs: number, timeZone: string): string {
  const p = wallClockParts(epochMs, timeZone);
  const pad = (n: number | undefined, width = 2) => String(n ?? 0).padStart(width, '0');
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Alpha Vantage names zones the old way (`US/Eastern`); ICU knows the aliases, but keep one canonical name. */
export function canonicalTimeZone(name: string | undefined, fallback = 'America/New_York'): string {
  if (!name) return fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    return fallback;
  }
}

/** Calendar-date arithmetic on `YYYY-MM-DD` (UTC, no time-zone shifts). */
export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
