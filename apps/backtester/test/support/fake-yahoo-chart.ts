import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { yahooChartBody } from '@ats/tool-testing';

/**
 * A loopback stand-in for Yahoo Finance's keyless chart endpoint (`GET /v8/finance/chart/{symbol}`), answering in
 * the v8 response shape (chart.result[0]: meta, timestamp[] at the 09:30 New York open, indicators.quote[0] and
 * indicators.adjclose[0]). Prices are synthetic: a deterministic walk per symbol over every weekday of the range
 * (the product's calendar decides what it keeps), with a 1% dividend in the adjusted close halfway.
 */
export interface FakeYahooChart {
  readonly baseUrl: string;
  /** Chart requests per symbol so far. */
  readonly calls: Map<string, number>;
  close(): Promise<void>;
}

const DAY_S = 86_400;
/** 09:30 New York is 14:30 UTC in winter; the product maps timestamps to the exchange's trading date. */
const OPEN_OFFSET_S = 14.5 * 3600;

function seedOf(symbol: string): number {
  let h = 2166136261;
  for (const ch of symbol) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

function chartOf(symbol: string, period1: number, period2: number): unknown {
  const timestamp: number[] = [];
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  const volume: number[] = [];
  let state = seedOf(symbol);
  let price = 50 + (state % 100);
  for (let day = Math.floor(period1 / DAY_S) * DAY_S; day < period2; day += DAY_S) {
    const weekday = new Date(day * 1000).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const move = (state / 2 ** 32 - 0.5) * 0.04;
    const o = Math.round(price * 100) / 100;
    price = Math.max(1, price * (1 + move));
    const c = Math.round(price * 100) / 100;
    timestamp.push(day + OPEN_OFFSET_S);
    open.push(o);
    close.push(c);
    high.push(Math.round(Math.max(o, c) * 101) / 100);
    low.push(Math.round(Math.min(o, c) * 99) / 100);
    volume.push(1_000_000 + (state % 500_000));
  }
  const half = Math.floor(close.length / 2);
  const adjclose = close.map((c, i) => (i < half ? Math.round(c * 0.99 * 1e6) / 1e6 : c));
  return yahooChartBody(symbol, '1d', { timestamp, open, high, low, close, volume, adjclose });
}

export async function startFakeYahooChart(): Promise<FakeYahooChart> {
  const calls = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          chart: { result: null, error: { code: 'Not Found', description: 'No data found' } },
        }),
      );
      return;
    }
    const symbol = decodeURIComponent(match[1] as string).toUpperCase();
    calls.set(symbol, (calls.get(symbol) ?? 0) + 1);
    const body = chartOf(
      symbol,
      Number(url.searchParams.get('period1')),
      Number(url.searchParams.get('period2')),
    );
    response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
