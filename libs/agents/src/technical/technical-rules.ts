import type { IndicatorValues, MarketSnapshot, Signal } from '@ats/contracts';
import { num, pct, round, signed } from '../format';
import { clamp } from '../stats';
import { type Evidence, evidenceItem } from './evidence';
import { TECHNICAL_SCORERS } from './technical-scorers';
import {
  TECHNICAL_WEIGHTS,
  type TechnicalHorizon,
  type TechnicalWeights,
  TOTAL_WEIGHT,
} from './technical-weights';

/** Score at or above which the technical agent says BUY (at or below the negative, SELL). */
export const TECHNICAL_BUY_THRESHOLD = 0.25;
export const TECHNICAL_SELL_THRESHOLD = -0.25;
/** |score| at which a directional call counts as fully strong for confidence. */
export const TECHNICAL_STRONG_SCORE = 0.6;

export type { Evidence } from './evidence';
export {
  BREAKOUT_CONFIRM_VOLUME,
  BREAKOUT_RECENT_BARS,
  CROSS_RECENT_BARS,
  DOUBLE_PATTERN_RECENT_BARS,
  LEVEL_PROXIMITY_ATR,
  LONG_HORIZON_BARS,
  LONG_HORIZON_FULL_SCALE_RETURN,
  MACD_FULL_SCALE_OF_PRICE,
  RSI_FULL_SCALE_POINTS,
  RSI_OVERBOUGHT,
  RSI_OVERSOLD,
} from './technical-scorers';
export { TECHNICAL_WEIGHTS, type TechnicalComponent } from './technical-weights';

export interface TechnicalAssessment {
  readonly signal: Signal;
  readonly confidence: number;
  readonly score: number;
  readonly evidence: readonly Evidence[];
  readonly reasoning: string;
  readonly supportingData: Record<string, unknown>;
}

/** Confidence of a HOLD when the score sits exactly at zero (with full coverage). */
const HOLD_CONFIDENCE_AT_ZERO = 0.6;
/** A BUY/SELL's confidence: half from how much of the evidence agrees, half from how strong the score is. */
const AGREEMENT_SHARE = 0.5;

/**
 * Rule-based technical view of one snapshot: each scorer reads one piece of evidence in [-1, 1], the weighted mean
 * over the evidence available is the score; missing indicators (warm-up) are left out and lower the confidence.
 */
export function assessTechnical(
  snapshot: MarketSnapshot,
  horizon: TechnicalHorizon = 'standard',
  /** Format the reasoning text (false: ''; see DecisionContext.explain). */
  explain = true,
): TechnicalAssessment {
  const evidence = gatherEvidence(snapshot, TECHNICAL_WEIGHTS[horizon]);
  const tally = tallyEvidence(evidence, TOTAL_WEIGHT[horizon]);
  const { score, coverage } = tally;
  const signal = technicalSignal(score);
  const confidence = technicalConfidence(evidence, signal, tally);
  const historyBars = snapshot.history.length;
  const supportingData: Record<string, unknown> = {
    score: round(score),
    horizon,
    coverage: round(coverage),
    evidence: evidenceByComponent(evidence),
    indicators: pickIndicators(snapshot.indicators),
  };
  return {
    signal,
    confidence,
    score,
    evidence,
    reasoning: explain ? explainTechnical(evidence, signal, horizon, score, coverage, historyBars) : '',
    supportingData,
  };
}

/** Runs each scorer that has weight on this horizon, in list order; its value is clamped to [-1, 1]. */
function gatherEvidence(snapshot: MarketSnapshot, weights: TechnicalWeights): Evidence[] {
  const evidence: Evidence[] = [];
  for (const { component, score } of TECHNICAL_SCORERS) {
    const weight = weights[component];
    if (!(weight > 0)) continue;
    const scored = score(snapshot);
    if (scored !== null)
      evidence.push(evidenceItem(component, clamp(scored.value, -1, 1), weight, scored.note));
  }
  return evidence;
}

interface EvidenceTally {
  /** Weighted mean of the values (0 without evidence). */
  readonly score: number;
  /** Share of the horizon's total weight the available evidence carries. */
  readonly coverage: number;
  /** Σ weight × |value|: the evidence's total say, either way. */
  readonly weightedStrength: number;
}

function tallyEvidence(evidence: readonly Evidence[], totalWeight: number): EvidenceTally {
  let wSum = 0;
  let wv = 0;
  let wAbs = 0;
  for (const e of evidence) {
    wSum += e.weight;
    wv += e.weight * e.value;
    wAbs += e.weight * Math.abs(e.value);
  }
  return {
    score: wSum > 0 ? wv / wSum : 0,
    coverage: totalWeight > 0 ? wSum / totalWeight : 0,
    weightedStrength: wAbs,
  };
}

function technicalSignal(score: number): Signal {
  return score >= TECHNICAL_BUY_THRESHOLD ? 'BUY' : score <= TECHNICAL_SELL_THRESHOLD ? 'SELL' : 'HOLD';
}

/** In [0, 1], scaled by coverage: thin evidence (warm-up) makes any call less sure. */
function technicalConfidence(evidence: readonly Evidence[], signal: Signal, tally: EvidenceTally): number {
  const { score, coverage, weightedStrength } = tally;
  if (evidence.length === 0) return 0;
  // Sure of "nothing to do" when the score sits near zero.
  if (signal === 'HOLD')
    return clamp(HOLD_CONFIDENCE_AT_ZERO * (1 - Math.abs(score) / TECHNICAL_BUY_THRESHOLD) * coverage, 0, 1);
  // Share of the evidence pointing the signal's way, and how far past the threshold the score is.
  const direction = score > 0 ? 1 : -1;
  let agreeing = 0;
  for (const e of evidence) agreeing += e.weight * Math.max(0, direction * e.value);
  const agreement = weightedStrength > 0 ? agreeing / weightedStrength : 0;
  const strength = Math.min(1, Math.abs(score) / TECHNICAL_STRONG_SCORE);
  return clamp((AGREEMENT_SHARE * agreement + (1 - AGREEMENT_SHARE) * strength) * coverage, 0, 1);
}

/** The reasoning text: verdict, score against its threshold, coverage, then the evidence by weight × value. */
function explainTechnical(
  evidence: readonly Evidence[],
  signal: Signal,
  horizon: TechnicalHorizon,
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

/** Each component's value and weight, keyed by component (a plain loop: Object.fromEntries built a slow dictionary). */
function evidenceByComponent(
  evidence: readonly Evidence[],
): Record<string, { value: number | null; weight: number }> {
  const out: Record<string, { value: number | null; weight: number }> = {};
  for (const e of evidence) out[e.component] = { value: round(e.value), weight: e.weight };
  return out;
}

/** The indicators a decision's supporting data lists, in this order (one literal: a loop over keys went megamorphic). */
function pickIndicators(ind: IndicatorValues): Record<string, number | null> {
  return {
    sma50: round(ind['sma50'] ?? null),
    sma200: round(ind['sma200'] ?? null),
    rsi14: round(ind['rsi14'] ?? null),
    'macd.macd': round(ind['macd.macd'] ?? null),
    'macd.signal': round(ind['macd.signal'] ?? null),
    'macd.histogram': round(ind['macd.histogram'] ?? null),
    'bollinger.percentB': round(ind['bollinger.percentB'] ?? null),
    atr14: round(ind['atr14'] ?? null),
    'support.price': round(ind['support.price'] ?? null),
    'resistance.price': round(ind['resistance.price'] ?? null),
    'trend.direction': round(ind['trend.direction'] ?? null),
    'obv.change20': round(ind['obv.change20'] ?? null),
    relativeVolume: round(ind['relativeVolume'] ?? null),
    'pattern.maCross': round(ind['pattern.maCross'] ?? null),
    'pattern.maCross.barsAgo': round(ind['pattern.maCross.barsAgo'] ?? null),
    'pattern.breakout': round(ind['pattern.breakout'] ?? null),
    'pattern.breakout.barsAgo': round(ind['pattern.breakout.barsAgo'] ?? null),
    'pattern.double': round(ind['pattern.double'] ?? null),
    'pattern.double.barsAgo': round(ind['pattern.double.barsAgo'] ?? null),
  };
}
