import type { IndicatorValues, MarketSnapshot, Signal } from '@ats/contracts';
import { num, pct, round, signed } from '../format';
import { withLazyText } from '../lazy-text';
import { clamp } from '../stats';

/** Score at or above which the technical agent says BUY (at or below the negative, SELL). */
export const TECHNICAL_BUY_THRESHOLD = 0.25;
export const TECHNICAL_SELL_THRESHOLD = -0.25;
/** |score| at which a directional call counts as fully strong for confidence. */
export const TECHNICAL_STRONG_SCORE = 0.6;

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
/** Bars of history behind the long-horizon momentum component (about six months). */
export const LONG_HORIZON_BARS = 126;
/** Long-horizon return that counts as full momentum. */
export const LONG_HORIZON_FULL_SCALE_RETURN = 0.2;

/** Evidence weights (standard horizon). Oscillators weigh less and trend more on the long horizon. */
export const TECHNICAL_WEIGHTS = {
  standard: {
    maTrend: 0.2,
    trendStructure: 0.1,
    rsi: 0.15,
    macd: 0.15,
    bollinger: 0.1,
    levels: 0.1,
    patterns: 0.1,
    volume: 0.1,
    longMomentum: 0,
  },
  long: {
    maTrend: 0.3,
    trendStructure: 0.15,
    rsi: 0.05,
    macd: 0.05,
    bollinger: 0.05,
    levels: 0.05,
    patterns: 0.1,
    volume: 0.05,
    longMomentum: 0.2,
  },
} as const;
export type TechnicalComponent = keyof (typeof TECHNICAL_WEIGHTS)['standard'];

export interface Evidence {
  readonly component: TechnicalComponent;
  /** In [-1, 1]: + bullish, − bearish. */
  readonly value: number;
  readonly weight: number;
  readonly note: string;
}

export interface TechnicalAssessment {
  readonly signal: Signal;
  readonly confidence: number;
  readonly score: number;
  readonly evidence: readonly Evidence[];
  readonly reasoning: string;
  readonly supportingData: Record<string, unknown>;
}

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/**
 * Rule-based technical view of one snapshot: each piece of evidence scores in [-1, 1], the weighted mean over the
 * evidence available is the score; missing indicators (warm-up) are left out and lower the confidence.
 */
export function assessTechnical(
  snapshot: MarketSnapshot,
  horizon: 'standard' | 'long' = 'standard',
): TechnicalAssessment {
  const weights = TECHNICAL_WEIGHTS[horizon];
  const ind = snapshot.indicators;
  const close = snapshot.price;
  const evidence: Evidence[] = [];
  // Notes are formatted only when read (reasoning text): a backtest that does not keep it never pays for it.
  // (Helpers are module functions, not closures: this runs once per symbol per cycle.)

  const sma50 = indicator(ind, 'sma50');
  const sma200 = indicator(ind, 'sma200');
  if (sma50 !== null && sma200 !== null) {
    const v = (sign(close - sma50) + sign(sma50 - sma200)) / 2;
    addEvidence(
      evidence,
      weights,
      'maTrend',
      v,
      () => `close ${num(close)} vs SMA50 ${num(sma50)} vs SMA200 ${num(sma200)}`,
    );
  } else if (sma50 !== null) {
    addEvidence(
      evidence,
      weights,
      'maTrend',
      sign(close - sma50) / 2,
      () => `close ${num(close)} vs SMA50 ${num(sma50)} (SMA200 warming up)`,
    );
  }

  const trend = indicator(ind, 'trend.direction');
  if (trend !== null)
    addEvidence(
      evidence,
      weights,
      'trendStructure',
      trend,
      () =>
        `swing structure ${trend > 0 ? 'higher highs/lows' : trend < 0 ? 'lower highs/lows' : 'sideways'}`,
    );

  const rsi = indicator(ind, 'rsi14');
  if (rsi !== null) {
    const v =
      rsi < RSI_OVERSOLD
        ? (RSI_OVERSOLD - rsi) / RSI_FULL_SCALE_POINTS
        : rsi > RSI_OVERBOUGHT
          ? -(rsi - RSI_OVERBOUGHT) / RSI_FULL_SCALE_POINTS
          : 0;
    addEvidence(
      evidence,
      weights,
      'rsi',
      v,
      () =>
        `RSI14 ${num(rsi, 1)}${rsi < RSI_OVERSOLD ? ' oversold' : rsi > RSI_OVERBOUGHT ? ' overbought' : ' neutral'}`,
    );
  }

  const hist = indicator(ind, 'macd.histogram');
  if (hist !== null) {
    addEvidence(
      evidence,
      weights,
      'macd',
      hist / (MACD_FULL_SCALE_OF_PRICE * close),
      () => `MACD histogram ${num(hist, 3)} (${pct(hist / close, 2)} of price)`,
    );
  }

  const percentB = indicator(ind, 'bollinger.percentB');
  if (percentB !== null) {
    const v = percentB <= 0 ? 1 : percentB >= 1 ? -1 : 0;
    addEvidence(
      evidence,
      weights,
      'bollinger',
      v,
      () =>
        `Bollinger %B ${num(percentB)}${v > 0 ? ' below lower band' : v < 0 ? ' above upper band' : ' inside bands'}`,
    );
  }

  const atr = indicator(ind, 'atr14');
  const support = indicator(ind, 'support.price');
  const resistance = indicator(ind, 'resistance.price');
  if (atr !== null && atr > 0 && (support !== null || resistance !== null)) {
    const v = nearness(close, support, atr) - nearness(close, resistance, atr);
    addEvidence(
      evidence,
      weights,
      'levels',
      v,
      () => `support ${num(support)} / resistance ${num(resistance)} with ATR14 ${num(atr)}`,
    );
  }

  const patterns: { v: number; note: () => string }[] = [];
  const cross = indicator(ind, 'pattern.maCross');
  const crossAgo = indicator(ind, 'pattern.maCross.barsAgo');
  if (cross !== null && crossAgo !== null && crossAgo <= CROSS_RECENT_BARS) {
    patterns.push({ v: cross, note: () => `${cross > 0 ? 'golden' : 'death'} cross ${crossAgo} bars ago` });
  }
  const breakout = indicator(ind, 'pattern.breakout');
  const breakoutAgo = indicator(ind, 'pattern.breakout.barsAgo');
  if (breakout !== null && breakoutAgo !== null && breakoutAgo <= BREAKOUT_RECENT_BARS) {
    const ratio = indicator(ind, 'pattern.breakout.volumeRatio') ?? 0;
    const confirmed = ratio >= BREAKOUT_CONFIRM_VOLUME;
    patterns.push({
      v: breakout * (confirmed ? 1 : 0.5),
      note: () =>
        `${breakout > 0 ? 'upside' : 'downside'} breakout ${breakoutAgo} bars ago on ${num(ratio)}× volume${confirmed ? '' : ' (unconfirmed)'}`,
    });
  }
  const double = indicator(ind, 'pattern.double');
  const doubleAgo = indicator(ind, 'pattern.double.barsAgo');
  if (double !== null && doubleAgo !== null && doubleAgo <= DOUBLE_PATTERN_RECENT_BARS) {
    patterns.push({
      v: double,
      note: () => `double ${double > 0 ? 'bottom' : 'top'} confirmed ${doubleAgo} bars ago`,
    });
  }
  if (patterns.length > 0) {
    const v = patterns.reduce((s, p) => s + p.v, 0) / patterns.length;
    addEvidence(evidence, weights, 'patterns', v, () => patterns.map((p) => p.note()).join(', '));
  } else if (snapshot.history.length >= CROSS_RECENT_BARS) {
    addEvidence(evidence, weights, 'patterns', 0, () => 'no recent crossover, breakout or double top/bottom');
  }

  const obvChange = indicator(ind, 'obv.change20');
  if (obvChange !== null) {
    const relVol = indicator(ind, 'relativeVolume');
    const v = sign(obvChange) * (relVol !== null && relVol >= 1 ? 1 : 0.5);
    addEvidence(
      evidence,
      weights,
      'volume',
      v,
      () =>
        `OBV ${obvChange >= 0 ? 'up' : 'down'} ${num(Math.abs(obvChange), 0)} over 20 bars, relative volume ${num(relVol)}`,
    );
  }

  if (weights.longMomentum > 0 && snapshot.history.length > LONG_HORIZON_BARS) {
    const past = snapshot.history[snapshot.history.length - 1 - LONG_HORIZON_BARS]?.close;
    if (past !== undefined && past > 0) {
      const r = close / past - 1;
      addEvidence(
        evidence,
        weights,
        'longMomentum',
        r / LONG_HORIZON_FULL_SCALE_RETURN,
        () => `${LONG_HORIZON_BARS}-bar return ${pct(r)}`,
      );
    }
  }

  let wSum = 0;
  let wv = 0;
  let wAbs = 0;
  for (const e of evidence) {
    wSum += e.weight;
    wv += e.weight * e.value;
    wAbs += e.weight * Math.abs(e.value);
  }
  const totalWeight = TOTAL_WEIGHT[horizon];
  const coverage = totalWeight > 0 ? wSum / totalWeight : 0;
  const score = wSum > 0 ? wv / wSum : 0;
  const signal: Signal =
    score >= TECHNICAL_BUY_THRESHOLD ? 'BUY' : score <= TECHNICAL_SELL_THRESHOLD ? 'SELL' : 'HOLD';

  let confidence: number;
  if (evidence.length === 0) confidence = 0;
  else if (signal === 'HOLD') {
    // Sure of "nothing to do" when the score sits near zero.
    confidence = 0.6 * (1 - Math.abs(score) / TECHNICAL_BUY_THRESHOLD) * coverage;
  } else {
    // Share of the evidence pointing the signal's way, and how far past the threshold the score is.
    let agreeing = 0;
    for (const e of evidence) agreeing += e.weight * Math.max(0, sign(score) * e.value);
    const agreement = wAbs > 0 ? agreeing / wAbs : 0;
    confidence = (0.5 * agreement + 0.5 * Math.min(1, Math.abs(score) / TECHNICAL_STRONG_SCORE)) * coverage;
  }
  confidence = clamp(confidence, 0, 1);

  const historyBars = snapshot.history.length;
  const supportingData: Record<string, unknown> = {
    score: round(score),
    horizon,
    coverage: round(coverage),
    evidence: Object.fromEntries(
      evidence.map((e) => [e.component, { value: round(e.value), weight: e.weight }]),
    ),
    indicators: pickIndicators(ind),
  };
  return withLazyText(
    { signal, confidence, score, evidence },
    'reasoning',
    () => explainTechnical(evidence, signal, horizon, score, coverage, historyBars),
    { supportingData },
  );
}

/** The reasoning text: verdict, score against its threshold, coverage, then the evidence by weight × value. */
function explainTechnical(
  evidence: readonly Evidence[],
  signal: Signal,
  horizon: 'standard' | 'long',
  score: number,
  coverage: number,
  historyBars: number,
): string {
  const ranked = [...evidence].sort((a, b) => Math.abs(b.weight * b.value) - Math.abs(a.weight * a.value));
  const threshold =
    signal === 'BUY'
      ? `>= ${signed(TECHNICAL_BUY_THRESHOLD)}`
      : signal === 'SELL'
        ? `<= ${signed(TECHNICAL_SELL_THRESHOLD)}`
        : `inside (${signed(TECHNICAL_SELL_THRESHOLD)}, ${signed(TECHNICAL_BUY_THRESHOLD)})`;
  return evidence.length === 0
    ? `HOLD: indicators still warming up (${historyBars} bars), no technical evidence.`
    : `${signal}: ${horizon === 'long' ? 'long-horizon ' : ''}technical score ${signed(score)} ${threshold}, ` +
        `coverage ${pct(coverage, 0)}. ${ranked
          .map((e) => `${e.component} ${signed(e.value)} ×${num(e.weight)}: ${e.note}`)
          .join('; ')}.`;
}

const TOTAL_WEIGHT = {
  standard: Object.values(TECHNICAL_WEIGHTS.standard).reduce((s: number, w: number) => s + w, 0),
  long: Object.values(TECHNICAL_WEIGHTS.long).reduce((s: number, w: number) => s + w, 0),
} as const;

function indicator(ind: IndicatorValues, key: string): number | null {
  return ind[key] ?? null;
}

/** 1 at the level, falling to 0 at LEVEL_PROXIMITY_ATR ATRs away; 0 without a level. */
function nearness(close: number, level: number | null, atr: number): number {
  return level === null ? 0 : Math.max(0, 1 - Math.abs(close - level) / (LEVEL_PROXIMITY_ATR * atr));
}

/** Adds the evidence if its component has weight on this horizon (value clamped to [-1, 1]). */
function addEvidence(
  evidence: Evidence[],
  weights: (typeof TECHNICAL_WEIGHTS)[keyof typeof TECHNICAL_WEIGHTS],
  component: TechnicalComponent,
  value: number,
  note: () => string,
): void {
  if (weights[component] > 0)
    evidence.push(evidenceItem(component, clamp(value, -1, 1), weights[component], note));
}

/**
 * An Evidence whose note is formatted on first read. A class with a prototype getter (cheaper to create than an own
 * accessor): `toJSON` keeps its JSON the plain {component, value, weight, note}.
 */
class LazyEvidence implements Evidence {
  #note: string | (() => string);

  constructor(
    readonly component: TechnicalComponent,
    readonly value: number,
    readonly weight: number,
    describe: () => string,
  ) {
    this.#note = describe;
  }

  get note(): string {
    if (typeof this.#note !== 'string') this.#note = this.#note();
    return this.#note;
  }

  toJSON(): Evidence {
    return { component: this.component, value: this.value, weight: this.weight, note: this.note };
  }
}

function evidenceItem(
  component: TechnicalComponent,
  value: number,
  weight: number,
  describe: () => string,
): Evidence {
  return new LazyEvidence(component, value, weight, describe);
}

const USED_INDICATORS = [
  'sma50',
  'sma200',
  'rsi14',
  'macd.macd',
  'macd.signal',
  'macd.histogram',
  'bollinger.percentB',
  'atr14',
  'support.price',
  'resistance.price',
  'trend.direction',
  'obv.change20',
  'relativeVolume',
  'pattern.maCross',
  'pattern.maCross.barsAgo',
  'pattern.breakout',
  'pattern.breakout.barsAgo',
  'pattern.double',
  'pattern.double.barsAgo',
] as const;

function pickIndicators(ind: IndicatorValues): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const key of USED_INDICATORS) out[key] = round(ind[key] ?? null);
  return out;
}
