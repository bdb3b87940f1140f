import type { MarketSnapshot, TickerSymbol, Veto } from '@ats/contracts';
import { num, pct, round } from '../format';
import { lastValues } from '../stats';
import {
  annualisedVolatility,
  atrWeight,
  fractionalKellyWeight,
  volatilityTargetWeight,
} from './position-sizing';
import type { RiskConfig, SizingMethod } from './risk-config';

/** A position this much above its max (weight) counts as above it: not rounding noise. */
const ABOVE_MAX_TOLERANCE = 1e-9;

export interface PositionSize {
  readonly symbol: TickerSymbol;
  readonly currentWeight: number;
  /** Largest weight allowed after sizing, the per-symbol cap and the cluster cap. */
  readonly maxWeight: number;
  readonly method: SizingMethod;
  readonly realisedVol: number | null;
  readonly volatilityTarget: number;
  readonly atrBased: number;
  readonly kelly: number;
  readonly clusterScale: number;
}

/** Each symbol's size limit and every veto, with the reasons for one symbol joined in the order they arose. */
export interface PositionLimits {
  readonly sizes: PositionSize[];
  readonly vetoes: Veto[];
  readonly maxWeightBySymbol: Record<string, number>;
}

/** The three sizings of one symbol and the one the config chose; `note` vetoes it (too little history). */
interface SizeFigures {
  readonly vol: number | null;
  readonly volTarget: number;
  readonly atr: number;
  readonly kelly: number;
  readonly chosen: number;
  readonly note?: string;
}

/** Why no new buys are allowed anywhere: drawdown past its limit, VaR99 past its limit, or no equity. */
export function buyBlocks(
  drawdown: number,
  valueAtRisk99: number,
  equity: number,
  cfg: RiskConfig,
): string[] {
  const blocks: string[] = [];
  if (drawdown >= cfg.drawdownLimit)
    blocks.push(`drawdown ${pct(drawdown)} >= limit ${pct(cfg.drawdownLimit)}: no new buys`);
  if (valueAtRisk99 > cfg.varLimit99)
    blocks.push(`one-day VaR99 ${pct(valueAtRisk99, 2)} > limit ${pct(cfg.varLimit99, 2)}: no new buys`);
  if (!(equity > 0)) blocks.push(`equity ${num(equity)} not positive: no new buys`);
  return blocks;
}

/**
 * Sizes every symbol, caps it by the per-symbol limit and its correlated cluster's, and vetoes: too little history,
 * the portfolio-wide buy blocks, and positions already above their max (no adds, trim to max).
 */
export function positionLimits(
  snapshots: readonly MarketSnapshot[],
  returns: readonly ArrayLike<number>[],
  weights: readonly number[],
  clusters: readonly (readonly number[])[],
  buysBlocked: readonly string[],
  cfg: RiskConfig,
): PositionLimits {
  const figures = snapshots.map((s, i) => sizePosition(s, returns[i] as ArrayLike<number>, cfg));
  const clusterScale = clusterScales(figures, clusters, cfg.maxClusterWeight);
  const reasons = new Map<string, string[]>();
  const maxWeightBySymbol: Record<string, number> = {};
  const sizes: PositionSize[] = snapshots.map((s, i) => {
    const f = figures[i] as SizeFigures;
    const scale = clusterScale[i] as number;
    const maxWeight = Math.min(cfg.maxPositionWeight, f.chosen * scale);
    maxWeightBySymbol[s.symbol] = round(maxWeight, 6) as number;
    const current = weights[i] as number;
    if (f.note) addVeto(reasons, s.symbol, f.note);
    for (const b of buysBlocked) addVeto(reasons, s.symbol, b);
    if (current > maxWeight + ABOVE_MAX_TOLERANCE)
      addVeto(
        reasons,
        s.symbol,
        `position ${pct(current)} above max ${pct(maxWeight)}: no adds, trim to max`,
      );
    return positionSize(s.symbol, current, maxWeight, cfg.sizing, f, scale);
  });
  const vetoes: Veto[] = [...reasons.entries()].map(([symbol, list]) => ({
    symbol,
    reason: list.join('; '),
  }));
  return { sizes, vetoes, maxWeightBySymbol };
}

function addVeto(reasons: Map<string, string[]>, symbol: string, reason: string): void {
  const list = reasons.get(symbol);
  if (list) list.push(reason);
  else reasons.set(symbol, [reason]);
}

function positionSize(
  symbol: TickerSymbol,
  currentWeight: number,
  maxWeight: number,
  method: SizingMethod,
  f: SizeFigures,
  clusterScale: number,
): PositionSize {
  return {
    symbol,
    currentWeight,
    maxWeight,
    method,
    realisedVol: f.vol,
    volatilityTarget: f.volTarget,
    atrBased: f.atr,
    kelly: f.kelly,
    clusterScale,
  };
}

/** Per symbol, the factor that brings its cluster's combined chosen weight down to the cluster cap (1 if within). */
function clusterScales(
  figures: readonly SizeFigures[],
  clusters: readonly (readonly number[])[],
  maxClusterWeight: number,
): number[] {
  const scale = new Array<number>(figures.length).fill(1);
  for (const cluster of clusters) {
    const total = cluster.reduce((sum, i) => sum + (figures[i]?.chosen ?? 0), 0);
    if (total > maxClusterWeight) for (const i of cluster) scale[i] = maxClusterWeight / total;
  }
  return scale;
}

/** Volatility-target, ATR and fractional-Kelly weights of one symbol; none without `minHistory` daily returns. */
function sizePosition(snapshot: MarketSnapshot, returns: ArrayLike<number>, cfg: RiskConfig): SizeFigures {
  if (returns.length < cfg.minHistory) {
    return {
      vol: null,
      volTarget: 0,
      atr: 0,
      kelly: 0,
      chosen: 0,
      note: `only ${returns.length} daily returns (< ${cfg.minHistory}): no position`,
    };
  }
  const window = lastValues(returns, cfg.volWindow);
  const vol = annualisedVolatility(window);
  const cap = cfg.maxPositionWeight;
  const volTarget = volatilityTargetWeight(cfg.targetVolPerPosition, vol, cap);
  const atrValue = snapshot.indicators.atr14;
  const atr =
    atrValue === null || atrValue === undefined
      ? 0
      : atrWeight(cfg.riskPerTrade, atrValue, snapshot.price, cfg.stopAtrMultiple, cap);
  const kelly = fractionalKellyWeight(window, cfg.kellyFraction, cap);
  const chosen = cfg.sizing === 'volatility' ? volTarget : cfg.sizing === 'atr' ? atr : kelly;
  return { vol, volTarget, atr, kelly, chosen };
}
