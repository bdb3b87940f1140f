import { readFileSync } from 'node:fs';
import type { Bar } from '@ats/contracts';
import { EVIDENCE_KINDS } from '@ats/contracts';
import {
  addDays,
  type EvidenceSource,
  type MarketDataPort,
  MissingMarketDataError,
  nyseSessions,
} from '@ats/market-data';
import { dataFolderPath, eventually, type FakeYahooLive } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What each adapter's test world provides: the port, and a provider whose history grows on demand. */
export interface PortWorld {
  readonly port: MarketDataPort;
  /** The loopback Yahoo chart fake the port's providers reach (symbols `liveSymbols` only). */
  readonly yahoo: FakeYahooLive;
  readonly liveSymbols: readonly string[];
  /** The evidence source the port should agree with, built from the same configuration, read directly. */
  readonly evidence: EvidenceSource;
  stop(): Promise<void>;
}

/** Trading dates and closes of a data-folder CSV up to a date, read straight from the file (not through a port). */
function csvRowsUpTo(symbol: string, to: string): { date: string; close: number }[] {
  const [header = '', ...lines] = readFileSync(dataFolderPath('ohlcv', `${symbol}.csv`), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const columns = header.toLowerCase().split(',');
  const date = columns.indexOf('date');
  const close = columns.indexOf('close');
  return lines
    .map((line) => line.split(','))
    .map((cells) => ({ date: cells[date] ?? '', close: Number(cells[close]) }))
    .filter((row) => row.date <= to);
}

/**
 * The contract every MarketDataPort adapter keeps (in-process and the data gateway's NATS client): the same bars
 * for the same question, open ranges, adjusted prices, missing symbols named together, the latest closed bar,
 * evidence that says what is unavailable, and new bars delivered once each in order.
 */
export function describeMarketDataPortContract(adapter: string, open: () => Promise<PortWorld>): void {
  describe(`MarketDataPort contract: ${adapter}`, () => {
    let world: PortWorld;
    beforeAll(async () => {
      world = await open();
    });
    afterAll(async () => {
      await world?.stop();
    });

    it("serves a range of the data folder's daily bars, unadjusted, with the adjusted close dividends come from", async () => {
      const bars = await world.port.loadBars('KO', { from: '2023-01-01', to: '2023-12-31' });
      const file = csvRowsUpTo('KO', '2023-12-31').filter((row) => row.date >= '2023-01-01');
      expect(bars.map((b) => b.ts.slice(0, 10))).toEqual(file.map((row) => row.date));
      expect(bars.map((b) => b.close)).toEqual(file.map((row) => row.close));
      expect(bars.every((b) => b.adjusted === false && b.adjClose !== undefined)).toBe(true);
      // Coca-Cola paid four dividends in 2023: the adjClose/close ratio steps at each ex-date.
      const ratios = new Set(bars.map((b) => ((b.adjClose as number) / b.close).toFixed(4)));
      expect(ratios.size).toBeGreaterThanOrEqual(4);
    });

    it('serves the whole history before a date when the range has no start', async () => {
      const bars = await world.port.loadBars('PEP', { to: '2023-12-29' });
      const file = csvRowsUpTo('PEP', '2023-12-29');
      expect(bars).toHaveLength(file.length);
      expect(bars[0]?.ts.slice(0, 10)).toBe(file[0]?.date);
      expect(bars.at(-1)?.ts.slice(0, 10)).toBe('2023-12-29');
    });

    it('scales to adjusted prices on request', async () => {
      const query = { symbol: 'PEP', timeframe: '1d' as const, from: '2023-05-01', to: '2023-06-30' };
      const raw = await world.port.fetchBars(query);
      const adjusted = await world.port.fetchBars({ ...query, adjusted: true });
      expect(adjusted.bars).toHaveLength(raw.bars.length);
      for (const [i, bar] of adjusted.bars.entries()) {
        expect(bar.adjusted).toBe(true);
        expect(bar.close).toBeCloseTo(raw.bars[i]?.adjClose as number, 3);
      }
    });

    it('serves intraday bars of a range from the providers (the stores hold daily bars only)', async () => {
      const symbol = world.liveSymbols[0] as string;
      const to = world.yahoo.lastVisible();
      const from = addDays(to, -7);
      const { bars } = await world.port.fetchBars({ symbol, timeframe: '1h', from, to });
      const sessions = nyseSessions(from, to);
      expect(bars).toHaveLength(sessions.length * 7);
      expect(bars.every((b) => b.timeframe === '1h' && b.symbol === symbol)).toBe(true);
      expect([...new Set(bars.map((b) => b.ts.slice(0, 10)))]).toEqual(sessions);
      expect(bars.map((b) => b.ts)).toEqual([...bars.map((b) => b.ts)].sort());
    });

    it('names every symbol nothing can serve in one MissingMarketDataError', async () => {
      const failure = await world.port.prefetch(['KO', 'ZZZQ', 'ZZZW'], { to: '2023-06-30' }).catch((e) => e);
      expect(failure).toBeInstanceOf(MissingMarketDataError);
      expect((failure as MissingMarketDataError).symbols).toEqual(['ZZZQ', 'ZZZW']);
      const served = await world.port.prefetch(['KO', 'PEP'], { from: '2023-06-01', to: '2023-06-30' });
      expect([...served.keys()]).toEqual(['KO', 'PEP']);
      expect(served.get('KO')?.at(-1)?.ts).toBe('2023-06-30T00:00:00.000Z');
    });

    it('finds the last closed bar at a time: before a holiday, not the session still trading', async () => {
      // Wednesday 5 July 2023 08:00 New York: the 4th was a holiday, the 5th has not closed.
      const latest = await world.port.latestBars(['KO', 'PEP'], '1d', new Date('2023-07-05T12:00:00Z'));
      expect(Object.fromEntries([...latest].map(([s, bar]) => [s, bar.ts.slice(0, 10)]))).toEqual({
        KO: '2023-07-03',
        PEP: '2023-07-03',
      });
    });

    it("answers the evidence source's point-in-time snapshot, saying which sources it lacks", async () => {
      const asOf = '2023-06-30T20:00:00.000Z';
      const request = { symbols: ['AAPL', 'MSFT'], asOf, windowDays: {} };
      const snapshot = await world.port.evidenceAt(request);
      expect(snapshot).toEqual(await world.evidence.evidenceAt(request));
      // 2023 is covered by the data folder's headlines, fear & greed and Form 4 files; nothing from after asOf.
      expect(snapshot.news.length).toBeGreaterThan(0);
      expect(snapshot.insider.length).toBeGreaterThan(0);
      expect(snapshot.mood?.date).toBe('2023-06-29');
      const times = [...snapshot.news, ...snapshot.social, ...snapshot.insider].map(
        (item) => item.availableAt,
      );
      expect(times.filter((t) => t > asOf)).toEqual([]);
      expect(snapshot.sources.map((s) => s.kind).sort()).toEqual([...EVIDENCE_KINDS].sort());
      // No 13F data offline: reported, not silently empty.
      expect(snapshot.sources.find((s) => s.kind === 'institutional')?.status).toBe('unavailable');
    });

    it('delivers each new closed bar once, in order, and none at or before `after`', async () => {
      const symbols = world.liveSymbols;
      const last = world.yahoo.lastVisible();
      const after = Object.fromEntries(symbols.map((s) => [s, `${last}T00:00:00.000Z`]));
      const seen: Bar[] = [];
      const subscription = await world.port.subscribeBars({ symbols, timeframe: '1d', after }, (bar) => {
        seen.push(bar);
      });
      try {
        const revealed = [world.yahoo.revealNext(), world.yahoo.revealNext()];
        const expected = symbols.flatMap((symbol) => revealed.map((date) => `${symbol} ${date}`)).sort();
        await eventually(async () => (seen.length >= expected.length ? true : undefined), {
          timeoutMs: 30_000,
          intervalMs: 50,
          what: `${expected.length} new bars`,
        });
        expect(seen.map((b) => `${b.symbol} ${b.ts.slice(0, 10)}`).sort()).toEqual(expected);
        for (const symbol of symbols) {
          const mine = seen.filter((b) => b.symbol === symbol).map((b) => b.ts);
          expect(mine).toEqual([...mine].sort());
        }
      } finally {
        await subscription.close();
      }
      // Closed: a later bar reaches a new subscriber but not the closed one.
      const total = seen.length;
      const next = world.yahoo.revealNext();
      const later: Bar[] = [];
      const witness = await world.port.subscribeBars(
        {
          symbols,
          timeframe: '1d',
          after: Object.fromEntries(symbols.map((s) => [s, seen.at(-1)?.ts ?? ''])),
        },
        (bar) => {
          later.push(bar);
        },
      );
      try {
        await eventually(async () => (later.length >= symbols.length ? true : undefined), {
          timeoutMs: 30_000,
          intervalMs: 50,
          what: `the bars of ${next}`,
        });
      } finally {
        await witness.close();
      }
      expect(later.map((b) => b.ts.slice(0, 10))).toEqual(symbols.map(() => next));
      expect(seen).toHaveLength(total);
    });
  });
}
