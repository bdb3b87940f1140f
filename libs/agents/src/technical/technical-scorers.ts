import type { IndicatorValues, MarketSnapshot } from '@ats/contracts';
import { num, pct } from '../format';
import type { TechnicalComponent } from './technical-weights';

/** RSI zones (Wilder): below 30 oversold, above 70 overbought; full strength 20 points beyond. */
export const RSI_OVERSOLD = 30;
export const RSI_OVERBOUGHT = 70;
export const RSI_FULL_SCALE_POINTS = 20;
/** MACD histogram of this fraction of price counts as full momentum. */
export const MACD_FULL_SCALE_OF_PRICE = 0.005;
/** Price within this many ATRs of a support/resistance level is "near" it. */
export const LEVEL_PROXIMITY_ATR = 1;
/** Events count while this recent (bars since the event). */
export const CROSS_RECENT_BARS = 10;
export const BREAKOUT_RECENT_BARS = 5;
export const DOUBLE_PATTERN_RECENT_BARS = 10;
/** A breakout on at least this multiple of average volume is confirmed. */
export const BREAKOUT_CONFIRM_VOLUME = 1.5;
/** An unconfirmed breakout counts half. */
const UNCONFIRMED_BREAKOUT_STRENGTH = 0.5;
/** OBV's direction counts half unless volume is at least average. */
const QUIET_VOLUME_STRENGTH = 0.5;
/** Bars of history behind the long-horizon momentum component (about six months). */
export const LONG_HORIZON_BARS = 126;
/** Long-horizon return that counts as full momentum. */
export const LONG_HORIZON_FULL_SCALE_RETURN = 0.2;

/**
 * One scorer's reading of a snapshot: a value (+ bullish, − bearish; clamped to [-1, 1] by the caller) and the note
 * that explains it, formatted only when the reasoning text is read.
 */
export interface Score {
  readonly value: number;
  readonly note: () => string;
}

/** Reads one piece of technical evidence from a snapshot; null when its indicators are not there (warm-up). */
export type TechnicalScorer = (snapshot: MarketSnapshot) => Score | null;

/**
 * The technical rules, in the order their evidence is listed (ties in the reasoning text keep this order).
 * Scorers are module functions, not closures: they run once per symbol per cycle.
 */
export const TECHNICAL_SCORERS: readonly {
  readonly component: TechnicalComponent;
  readonly score: TechnicalScorer;
}[] = [
  { component: 'maTrend', score: scoreMovingAverageTrend },
  { component: 'trendStructure', score: scoreTrendStructure },
  { component: 'rsi', score: scoreRsi },
  { component: 'macd', score: scoreMacd },
  { component: 'bollinger', score: scoreBollinger },
  { component: 'levels', score: scoreSupportResistance },
  { component: 'patterns', score: scorePatterns },
  { component: 'volume', score: scoreVolume },
  { component: 'longMomentum', score: scoreLongMomentum },
];

/**
 * A scorer's reading. Built by a call rather than an object literal with an arrow property: an arrow assigned to a
 * property is named after it, which a keep-names build (tsx) does at run time for every note of every cycle.
 */
function scored(value: number, note: () => string): Score {
  return { value, note };
}

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/**
 * The readings are named property loads (`ind['rsi14'] ?? null`) at each call site, not a shared helper taking the key:
 * a helper's one keyed load sees every key and goes megamorphic (62 ms of a 36-symbol, 16-year run).
 */

/** Close above SMA50 above SMA200 is an uptrend (+1); half the say with SMA50 alone while SMA200 warms up. */
export function scoreMovingAverageTrend(snapshot: MarketSnapshot): Score | null {
  const close = snapshot.price;
  const sma50 = snapshot.indicators['sma50'] ?? null;
  const sma200 = snapshot.indicators['sma200'] ?? null;
  if (sma50 === null) return null;
  if (sma200 !== null)
    return scored(
      (sign(close - sma50) + sign(sma50 - sma200)) / 2,
      () => `close ${num(close)} vs SMA50 ${num(sma50)} vs SMA200 ${num(sma200)}`,
    );
  return scored(
    sign(close - sma50) / 2,
    () => `close ${num(close)} vs SMA50 ${num(sma50)} (SMA200 warming up)`,
  );
}

/** Higher highs and lows (+1), lower highs and lows (−1), or sideways (0). */
export function scoreTrendStructure(snapshot: MarketSnapshot): Score | null {
  const trend = snapshot.indicators['trend.direction'] ?? null;
  if (trend === null) return null;
  return scored(
    trend,
    () => `swing structure ${trend > 0 ? 'higher highs/lows' : trend < 0 ? 'lower highs/lows' : 'sideways'}`,
  );
}

/** Mean reversion: oversold is bullish, overbought bearish, growing to full strength 20 points past the zone. */
export function scoreRsi(snapshot: MarketSnapshot): Score | null {
  const rsi = snapshot.indicators['rsi14'] ?? null;
  if (rsi === null) return null;
  const value =
    rsi < RSI_OVERSOLD
      ? (RSI_OVERSOLD - rsi) / RSI_FULL_SCALE_POINTS
      : rsi > RSI_OVERBOUGHT
        ? -(rsi - RSI_OVERBOUGHT) / RSI_FULL_SCALE_POINTS
        : 0;
  return scored(
    value,
    () =>
      `RSI14 ${num(rsi, 1)}${rsi < RSI_OVERSOLD ? ' oversold' : rsi > RSI_OVERBOUGHT ? ' overbought' : ' neutral'}`,
  );
}

/** Momentum: the MACD histogram as a share of price, full strength at MACD_FULL_SCALE_OF_PRICE. */
export function scoreMacd(snapshot: MarketSnapshot): Score | null {
  const close = snapshot.price;
  const hist = snapshot.indicators['macd.histogram'] ?? null;
  if (hist === null) return null;
  return scored(
    hist / (MACD_FULL_SCALE_OF_PRICE * close),
    () => `MACD histogram ${num(hist, 3)} (${pct(hist / close, 2)} of price)`,
  );
}

/** Mean reversion: a close below the lower band is bullish, above the upper band bearish. */
export function scoreBollinger(snapshot: MarketSnapshot): Score | null {
  const percentB = snapshot.indicators['bollinger.percentB'] ?? null;
  if (percentB === null) return null;
  const value = percentB <= 0 ? 1 : percentB >= 1 ? -1 : 0;
  return scored(
    value,
    () =>
      `Bollinger %B ${num(percentB)}${value > 0 ? ' below lower band' : value < 0 ? ' above upper band' : ' inside bands'}`,
  );
}

/** Near support is bullish, near resistance bearish, "near" measured in ATRs. */
export function scoreSupportResistance(snapshot: MarketSnapshot): Score | null {
  const close = snapshot.price;
  const ind = snapshot.indicators;
  const atr = ind['atr14'] ?? null;
  const support = ind['support.price'] ?? null;
  const resistance = ind['resistance.price'] ?? null;
  if (atr === null || !(atr > 0) || (support === null && resistance === null)) return null;
  return scored(
    nearness(close, support, atr) - nearness(close, resistance, atr),
    () => `support ${num(support)} / resistance ${num(resistance)} with ATR14 ${num(atr)}`,
  );
}

/** 1 at the level, falling to 0 at LEVEL_PROXIMITY_ATR ATRs away; 0 without a level. */
function nearness(close: number, level: number | null, atr: number): number {
  return level === null ? 0 : Math.max(0, 1 - Math.abs(close - level) / (LEVEL_PROXIMITY_ATR * atr));
}

/**
 * The mean of the recent chart patterns (moving-average cross, breakout, double top/bottom); a neutral 0 once the
 * history is long enough to have shown one and none is recent.
 */
export function scorePatterns(snapshot: MarketSnapshot): Score | null {
  const ind = snapshot.indicators;
  const patterns: Score[] = [];
  const cross = recentCross(ind);
  if (cross !== null) patterns.push(cross);
  const breakout = recentBreakout(ind);
  if (breakout !== null) patterns.push(breakout);
  const double = recentDoublePattern(ind);
  if (double !== null) patterns.push(double);
  if (patterns.length > 0)
    return scored(patterns.reduce((s, p) => s + p.value, 0) / patterns.length, () =>
      patterns.map((p) => p.note()).join(', '),
    );
  if (snapshot.history.length >= CROSS_RECENT_BARS)
    return scored(0, () => 'no recent crossover, breakout or double top/bottom');
  return null;
}

/** Golden cross (+1) or death cross (−1) of SMA50 over SMA200 in the last CROSS_RECENT_BARS bars. */
function recentCross(ind: IndicatorValues): Score | null {
  const cross = ind['pattern.maCross'] ?? null;
  const crossAgo = ind['pattern.maCross.barsAgo'] ?? null;
  if (cross === null || crossAgo === null || !(crossAgo <= CROSS_RECENT_BARS)) return null;
  return scored(cross, () => `${cross > 0 ? 'golden' : 'death'} cross ${crossAgo} bars ago`);
}

/** A recent breakout through a level, at full strength only when volume confirms it. */
function recentBreakout(ind: IndicatorValues): Score | null {
  const breakout = ind['pattern.breakout'] ?? null;
  const breakoutAgo = ind['pattern.breakout.barsAgo'] ?? null;
  if (breakout === null || breakoutAgo === null || !(breakoutAgo <= BREAKOUT_RECENT_BARS)) return null;
  const ratio = ind['pattern.breakout.volumeRatio'] ?? 0;
  const confirmed = ratio >= BREAKOUT_CONFIRM_VOLUME;
  return scored(
    breakout * (confirmed ? 1 : UNCONFIRMED_BREAKOUT_STRENGTH),
    () =>
      `${breakout > 0 ? 'upside' : 'downside'} breakout ${breakoutAgo} bars ago on ${num(ratio)}× volume${confirmed ? '' : ' (unconfirmed)'}`,
  );
}

/** A recently confirmed double bottom (+1) or double top (−1). */
function recentDoublePattern(ind: IndicatorValues): Score | null {
  const double = ind['pattern.double'] ?? null;
  const doubleAgo = ind['pattern.double.barsAgo'] ?? null;
  if (double === null || doubleAgo === null || !(doubleAgo <= DOUBLE_PATTERN_RECENT_BARS)) return null;
  return scored(double, () => `double ${double > 0 ? 'bottom' : 'top'} confirmed ${doubleAgo} bars ago`);
}

/** On-balance volume's direction over 20 bars, at full strength when volume is at least average. */
export function scoreVolume(snapshot: MarketSnapshot): Score | null {
  const obvChange = snapshot.indicators['obv.change20'] ?? null;
  if (obvChange === null) return null;
  const relVol = snapshot.indicators['relativeVolume'] ?? null;
  return scored(
    sign(obvChange) * (relVol !== null && relVol >= 1 ? 1 : QUIET_VOLUME_STRENGTH),
    () =>
      `OBV ${obvChange >= 0 ? 'up' : 'down'} ${num(Math.abs(obvChange), 0)} over 20 bars, relative volume ${num(relVol)}`,
  );
}

/** Long-horizon momentum: the return over LONG_HORIZON_BARS bars, full strength at LONG_HORIZON_FULL_SCALE_RETURN. */
export function scoreLongMomentum(snapshot: MarketSnapshot): Score | null {
  const history = snapshot.history;
  if (history.length <= LONG_HORIZON_BARS) return null;
  const past = history[history.length - 1 - LONG_HORIZON_BARS]?.close;
  if (past === undefined || !(past > 0)) return null;
  const r = snapshot.price / past - 1;
  return scored(r / LONG_HORIZON_FULL_SCALE_RETURN, () => `${LONG_HORIZON_BARS}-bar return ${pct(r)}`);
}
