import type { Bar } from '@ats/contracts';
import {
  computeAtr,
  computeBollinger,
  computeEma,
  computeMacd,
  computeObv,
  computeRsi,
  computeSma,
} from '@ats/indicators';

/**
 * Calendar days of history fetched before `from` so the slowest indicator (SMA 200) is warm on the first bar
 * shown: ~275 sessions, the same window the data gateway's indicator service uses.
 */
export const INDICATOR_WARMUP_CALENDAR_DAYS = 400;

export interface IndicatorSeries {
  readonly warmupBars: number;
  readonly ts: string[];
  readonly close: number[];
  readonly series: Record<string, (number | null)[]>;
}

/**
 * Indicator columns for the bars from `fromTs` on, each value computed from that bar and earlier ones only
 * (bars before `fromTs` feed the warm-up and are not returned). Default periods as the technical agent's set.
 */
export function computeIndicatorSeries(bars: readonly Bar[], fromTs: string): IndicatorSeries {
  const closes = bars.map((b) => b.close);
  const macd = computeMacd(closes);
  const bollinger = computeBollinger(closes);
  const columns: Record<string, number[]> = {
    sma20: computeSma(closes, 20),
    sma50: computeSma(closes, 50),
    sma200: computeSma(closes, 200),
    ema12: computeEma(closes, 12),
    ema26: computeEma(closes, 26),
    rsi14: computeRsi(closes, 14),
    macd: macd.macd,
    macdSignal: macd.signal,
    macdHistogram: macd.histogram,
    bollingerUpper: bollinger.upper,
    bollingerMiddle: bollinger.middle,
    bollingerLower: bollinger.lower,
    atr14: computeAtr(bars, 14),
    obv: computeObv(bars),
  };
  const start = bars.findIndex((b) => b.ts >= fromTs);
  const first = start === -1 ? bars.length : start;
  const series: Record<string, (number | null)[]> = {};
  for (const [name, values] of Object.entries(columns)) {
    series[name] = values.slice(first).map((v) => (Number.isFinite(v) ? v : null));
  }
  return {
    warmupBars: first,
    ts: bars.slice(first).map((b) => b.ts),
    close: closes.slice(first),
    series,
  };
}
