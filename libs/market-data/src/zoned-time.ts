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

/** Offset of `timeZone` from UTC at an instant, in ms (New York in winter: -5 h). */
function offsetMs(epochMs: number, timeZone: string): number {
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
