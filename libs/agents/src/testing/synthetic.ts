/** Hand-made snapshots for unit tests: indicator values set directly, history from a price path. */
import type { Bar, IndicatorValues, MarketSnapshot, NewsItem } from '@ats/contracts';

export const AS_OF = '2023-06-01T00:00:00.000Z';

/** Daily bars ending the day before AS_OF, closes following `closes`. */
export function barsFrom(symbol: string, closes: readonly number[]): Bar[] {
  const end = Date.parse(AS_OF) - 86_400_000;
  return closes.map((close, i) => ({
    symbol,
    timeframe: '1d',
    ts: new Date(end - (closes.length - 1 - i) * 86_400_000).toISOString(),
    open: close,
    high: close * 1.01,
    low: close * 0.99,
    close,
    volume: 1_000_000,
    adjusted: true,
  }));
}

/** A random-walk-free but varied path: deterministic returns from a sine with the given drift. */
export function pricePath(n: number, drift: number, amplitude = 0.01, start = 100, phase = 0): number[] {
  const out = [start];
  for (let i = 1; i < n; i++)
    out.push((out[i - 1] as number) * (1 + drift + amplitude * Math.sin(i * 0.7 + phase)));
  return out;
}

export function syntheticSnapshot(
  symbol: string,
  indicators: IndicatorValues,
  closes: readonly number[] = pricePath(260, 0),
  news: NewsItem[] = [],
): MarketSnapshot {
  const history = barsFrom(symbol, closes);
  const last = history[history.length - 1] as Bar;
  return {
    symbol,
    asOf: AS_OF,
    price: last.close,
    volume: last.volume,
    ohlc: { open: last.open, high: last.high, low: last.low, close: last.close },
    indicators,
    history,
    news,
  };
}

/** Indicator values of a clean uptrend with room to run: all evidence bullish. */
export function bullishIndicators(price: number): IndicatorValues {
  return {
    sma50: price * 0.95,
    sma200: price * 0.85,
    rsi14: 25,
    'macd.histogram': price * 0.006,
    'bollinger.percentB': -0.1,
    atr14: price * 0.02,
    'support.price': price * 0.995,
    'resistance.price': price * 1.2,
    'trend.direction': 1,
    'pattern.maCross': 1,
    'pattern.maCross.barsAgo': 3,
    'obv.change20': 5_000_000,
    relativeVolume: 1.4,
  };
}

export function bearishIndicators(price: number): IndicatorValues {
  return {
    sma50: price * 1.05,
    sma200: price * 1.15,
    rsi14: 80,
    'macd.histogram': -price * 0.006,
    'bollinger.percentB': 1.1,
    atr14: price * 0.02,
    'support.price': price * 0.8,
    'resistance.price': price * 1.005,
    'trend.direction': -1,
    'pattern.maCross': -1,
    'pattern.maCross.barsAgo': 2,
    'obv.change20': -5_000_000,
    relativeVolume: 1.4,
  };
}

export function newsItem(
  id: string,
  symbol: string,
  title: string,
  publishedAt: string,
  summary = '',
): NewsItem {
  return { id, source: 'test', publishedAt, title, summary, symbols: [symbol] };
}
