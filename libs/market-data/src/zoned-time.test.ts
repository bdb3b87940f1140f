import { describe, expect, it } from 'vitest';
import { tradingDateIn, zonedWallClockToUtc } from './zoned-time';

/**
 * The reference: the zone's offset asked of Intl at every call (what zoned-time did before it kept a table of each
 * year's offset changes), by another route than zoned-time's: the `longOffset` zone name ("GMT-05:00").
 */
const referenceFormats = new Map<string, Intl.DateTimeFormat>();

function referenceOffsetMs(epochMs: number, timeZone: string): number {
  let format = referenceFormats.get(timeZone);
  format ??= new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  referenceFormats.set(timeZone, format);
  const text = format.format(new Date(epochMs));
  // "1/5/2024, GMT-05:00"; plain "GMT" at offset zero.
  const m = /GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(text);
  if (!m) throw new Error(`unexpected format ${text}`);
  if (m[1] === undefined) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

function referenceWallClockToUtc(local: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new Error(`unexpected local time ${local}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const naive = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  const first = naive - referenceOffsetMs(naive, timeZone);
  return naive - referenceOffsetMs(first, timeZone);
}

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/Sao_Paulo', // daylight saving until 2019, none after
  'Pacific/Apia', // skipped 2011-12-30 when it crossed the date line
  'Asia/Kathmandu', // +05:45
];

describe('zonedWallClockToUtc', () => {
  it('agrees with Intl asked directly, every 11 h 23 min from 2009 to 2027, in zones with and without DST', () => {
    const step = (11 * 60 + 23) * 60_000;
    const pad = (n: number) => String(n).padStart(2, '0');
    let compared = 0;
    for (const zone of ZONES) {
      for (let t = Date.UTC(2009, 0, 1); t < Date.UTC(2027, 0, 1); t += step) {
        const d = new Date(t);
        // The UTC wall-clock fields of t, read as a time in `zone`: covers every hour of the day near each change.
        const local = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
        const expected = referenceWallClockToUtc(local, zone);
        if (zonedWallClockToUtc(local, zone) !== expected) {
          expect(`${zone} ${local} → ${new Date(zonedWallClockToUtc(local, zone)).toISOString()}`).toBe(
            `${zone} ${local} → ${new Date(expected).toISOString()}`,
          );
        }
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(90_000);
  });

  it('puts the New York open at 14:30 UTC in winter and 13:30 UTC in summer, and the change at 2 a.m.', () => {
    const ny = 'America/New_York';
    expect(new Date(zonedWallClockToUtc('2024-01-05 09:30:00', ny)).toISOString()).toBe(
      '2024-01-05T14:30:00.000Z',
    );
    expect(new Date(zonedWallClockToUtc('2024-07-05 09:30:00', ny)).toISOString()).toBe(
      '2024-07-05T13:30:00.000Z',
    );
    // 2024-03-10: 01:59:59 EST is followed by 03:00:00 EDT.
    expect(new Date(zonedWallClockToUtc('2024-03-10 01:59:59', ny)).toISOString()).toBe(
      '2024-03-10T06:59:59.000Z',
    );
    expect(new Date(zonedWallClockToUtc('2024-03-10 03:00:00', ny)).toISOString()).toBe(
      '2024-03-10T07:00:00.000Z',
    );
    expect(tradingDateIn(Date.parse('2024-03-10T06:59:59Z'), ny)).toBe('2024-03-10');
    expect(Number.isNaN(zonedWallClockToUtc('not a time', ny))).toBe(true);
  });
});
