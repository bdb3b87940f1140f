/**
 * NYSE trading sessions (regular full or early-close days) from the exchange's holiday rules, so a stored range of
 * daily bars can be checked for completeness exactly instead of by a gap heuristic.
 * Rules: weekends closed; New Year's Day, Martin Luther King Jr. Day (3rd Mon Jan, since 1998), Washington's
 * Birthday (3rd Mon Feb), Good Friday, Memorial Day (last Mon May), Juneteenth (since 2022), Independence Day,
 * Labor Day (1st Mon Sep), Thanksgiving (4th Thu Nov), Christmas. A Saturday holiday is observed the Friday before
 * (except New Year's Day, NYSE rule 7.2), a Sunday holiday the Monday after.
 * Checked session for session against SPY 2010-01-04..2026-08-20 from the data folder (nyse-calendar.test.ts).
 */

/** One-off closures (national days of mourning, weather). */
const SPECIAL_CLOSURES = new Set([
  '2001-09-11',
  '2001-09-12',
  '2001-09-13',
  '2001-09-14', // September 11
  '2004-06-11', // President Reagan
  '2007-01-02', // President Ford
  '2012-10-29',
  '2012-10-30', // Hurricane Sandy
  '2018-12-05', // President G. H. W. Bush
  '2025-01-09', // President Carter
]);

const DAY_MS = 86_400_000;

function ymd(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/** The n-th (1-based) given weekday (0 = Sunday) of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return ymd(year, month, 1 + ((weekday - first + 7) % 7) + (n - 1) * 7);
  }
  const lastDay = new Date(Date.UTC(year, month, 0));
  const offset = (lastDay.getUTCDay() - weekday + 7) % 7;
  return ymd(year, month, lastDay.getUTCDate() - offset);
}

/** Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(year, month, day);
}

/** Fixed-date holiday moved to its observed weekday; a Saturday New Year's Day is not observed at all. */
function observed(date: string, isNewYear = false): string | undefined {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 6)
    return isNewYear ? undefined : new Date(Date.parse(date) - DAY_MS).toISOString().slice(0, 10);
  if (weekday === 0) return new Date(Date.parse(date) + DAY_MS).toISOString().slice(0, 10);
  return date;
}

const holidayCache = new Map<number, ReadonlySet<string>>();

export function nyseHolidays(year: number): ReadonlySet<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const days = [
    observed(ymd(year, 1, 1), true),
    year >= 1998 ? nthWeekday(year, 1, 1, 3) : undefined,
    nthWeekday(year, 2, 1, 3),
    new Date(Date.parse(easterSunday(year)) - 2 * DAY_MS).toISOString().slice(0, 10),
    nthWeekday(year, 5, 1, -1),
    year >= 2022 ? observed(ymd(year, 6, 19)) : undefined,
    observed(ymd(year, 7, 4)),
    nthWeekday(year, 9, 1, 1),
    nthWeekday(year, 11, 4, 4),
    observed(ymd(year, 12, 25)),
  ].filter((d): d is string => d !== undefined);
  const set = new Set(days);
  holidayCache.set(year, set);
  return set;
}

/** Whether the NYSE held a regular session on this `YYYY-MM-DD` date. */
export function isNyseSession(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if (SPECIAL_CLOSURES.has(date)) return false;
  return !nyseHolidays(Number(date.slice(0, 4))).has(date);
}

/**
 * Ranges already listed (the calendar never changes in a process): a backtest's data-quality check lists the same
 * range for every symbol and every case of a sweep, 190 ms of date formatting per 20 cases. Cleared when full.
 */
const listedSessions = new Map<string, readonly string[]>();
const LISTED_SESSIONS_LIMIT = 256;

/** Sessions from `from` to `to`, both inclusive, in order (a new array each call: callers may change theirs). */
export function nyseSessions(from: string, to: string): string[] {
  const key = `${from}|${to}`;
  let sessions = listedSessions.get(key);
  if (sessions === undefined) {
    const listed: string[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (isNyseSession(date)) listed.push(date);
    }
    if (listedSessions.size >= LISTED_SESSIONS_LIMIT) listedSessions.clear();
    listedSessions.set(key, listed);
    sessions = listed;
  }
  return sessions.slice();
}
