import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addDays, nyseSessions } from '@ats/market-data';
import { yahooChartBody } from './yahoo-chart-body';

/**
 * A loopback stand-in for Yahoo Finance's chart endpoint (`GET /v8/finance/chart/{symbol}`, the v8 shape:
 * chart.result[0] with meta, timestamp[] at the 09:30 New York open, indicators.quote[0] and adjclose[0]) whose
 * history grows while a test runs: every NYSE session up to `liveSessions` before today is there from the start,
 * then one more of the `liveSessions` last closed sessions is revealed on each `revealNext()` (or every `everyMs`),
 * except the sessions listed in `skip`, which never appear (a late or lost bar). Prices are a deterministic function
 * of the symbol and the date, so any range asked twice gives the same bars. `interval=60m` answers seven hourly
 * bars per visible session (no adjclose, as Yahoo's intraday charts).
 */
export interface FakeYahooLive {
  readonly baseUrl: string;
  /** The sessions revealed one by one, oldest first (trading dates `YYYY-MM-DD`). */
  readonly liveSessions: readonly string[];
  /** Sessions visible now, the last one included (before any reveal: the last history session). */
  lastVisible(): string;
  /** Reveals the next live session (a skipped one is passed over silently); returns it, or undefined at the end. */
  revealNext(): string | undefined;
  /** Reveals the next session every `ms` until all are out. */
  revealEvery(ms: number): void;
  /** Chart requests per symbol so far. */
  readonly calls: Map<string, number>;
  close(): Promise<void>;
}

export interface FakeYahooLiveOptions {
  /** How many of the last closed sessions are held back to be revealed (default 6). */
  readonly liveSessions?: number;
  /** Live sessions (by their index in `liveSessions`) that never appear. */
  readonly skip?: readonly number[];
  /** Calendar days of history before the live sessions (default 550: indicators need ~260 sessions). */
  readonly historyDays?: number;
  /** Symbols the fake knows; others are answered 404 "No data found" as Yahoo does. Default: any symbol. */
  readonly symbols?: readonly string[];
  readonly now?: () => Date;
}

/** 09:30 New York in UTC seconds of the day is 13:30 or 14:30; Yahoo's daily timestamps are the session open. */
const OPEN_UTC_S = 14.5 * 3600;

function seedOf(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** OHLCV of one symbol on one date (or `date:hour`): a slow cycle plus noise, both from the date alone. */
function barOf(symbol: string, key: string) {
  const date = key.slice(0, 10);
  const day = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
  const base = 40 + (seedOf(symbol) % 100);
  const noise = (seedOf(`${symbol}:${key}`) / 2 ** 32 - 0.5) * 0.02;
  const close = Math.round(base * (1 + 0.15 * Math.sin(day / 23) + noise) * 100) / 100;
  const open = Math.round(close * (1 - noise / 2) * 100) / 100;
  return {
    open,
    close,
    high: Math.round(Math.max(open, close) * 101) / 100,
    low: Math.round(Math.min(open, close) * 99) / 100,
    volume: 1_000_000 + (seedOf(`${key}:${symbol}`) % 500_000),
  };
}

export async function startFakeYahooLive(options: FakeYahooLiveOptions = {}): Promise<FakeYahooLive> {
  const now = options.now ?? (() => new Date());
  const today = now().toISOString().slice(0, 10);
  // Sessions whose bar is final for certain: up to two days ago.
  const closed = nyseSessions(addDays(today, -(options.historyDays ?? 550)), addDays(today, -2));
  const liveCount = options.liveSessions ?? 6;
  const liveSessions = closed.slice(-liveCount);
  const history = closed.slice(0, -liveCount);
  const skip = new Set((options.skip ?? []).map((i) => liveSessions[i]));
  let revealed = 0;
  let timer: NodeJS.Timeout | undefined;
  const visible = () => [
    ...history,
    ...liveSessions.slice(0, revealed).filter((session) => !skip.has(session)),
  ];
  const calls = new Map<string, number>();

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    const symbol = decodeURIComponent(match?.[1] ?? '').toUpperCase();
    calls.set(symbol, (calls.get(symbol) ?? 0) + 1);
    if (!match || (options.symbols && !options.symbols.includes(symbol))) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          chart: {
            result: null,
            error: { code: 'Not Found', description: 'No data found, symbol may be delisted' },
          },
        }),
      );
      return;
    }
    const fromS = Number(url.searchParams.get('period1'));
    const toS = Number(url.searchParams.get('period2'));
    // Daily bars stamp the session open; hourly ones (interval=60m) the seven hours from the open.
    const hourly = url.searchParams.get('interval') === '60m';
    const stamps = visible().flatMap((date) => {
      const open = Date.parse(`${date}T00:00:00Z`) / 1000 + OPEN_UTC_S;
      return (hourly ? [0, 1, 2, 3, 4, 5, 6] : [0]).map((hour) => ({ date, at: open + hour * 3600 }));
    });
    const inRange = stamps.filter(({ at }) => at >= fromS && at < toS);
    const bars = inRange.map(({ date, at }) => barOf(symbol, hourly ? `${date}:${at}` : date));
    const body = yahooChartBody(symbol, hourly ? '60m' : '1d', {
      timestamp: inRange.map(({ at }) => at),
      open: bars.map((b) => b.open),
      high: bars.map((b) => b.high),
      low: bars.map((b) => b.low),
      close: bars.map((b) => b.close),
      volume: bars.map((b) => b.volume),
      ...(hourly ? {} : { adjclose: bars.map((b) => b.close) }),
    });
    response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const revealNext = () => {
    if (revealed >= liveSessions.length) return undefined;
    revealed += 1;
    return liveSessions[revealed - 1];
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    liveSessions,
    lastVisible: () => visible().at(-1) as string,
    revealNext,
    revealEvery(ms) {
      clearInterval(timer);
      timer = setInterval(() => {
        if (revealNext() === undefined) clearInterval(timer);
      }, ms);
    },
    calls,
    close: () => {
      clearInterval(timer);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
