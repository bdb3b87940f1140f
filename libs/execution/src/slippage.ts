import type { Side } from '@ats/contracts';
import { BPS_PER_UNIT } from './commission';
import { MissingMarketContextError } from './errors';

/**
 * Market statistics known BEFORE the fill bar opens (point in time: the fill bar's own range and volume are only
 * known at its close, so models never read them).
 */
export interface SlippageContext {
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  /** Price the order would fill at without slippage (open, or the triggered stop). */
  readonly referencePrice: number;
  /** Recent average daily range as a fraction of price (e.g. ATR(14) / close at t). */
  readonly rangeFraction?: number;
  /** Recent average daily volume in shares (e.g. 20-day mean at t). */
  readonly averageVolume?: number;
}

/**
 * Adverse price move as a fraction of the reference price (0.001 = 10 bp): buys fill at ref × (1 + f),
 * sells at ref × (1 − f).
 */
export interface SlippageModel {
  readonly name: string;
  slippageFraction(context: SlippageContext): number;
}

export const noSlippage: SlippageModel = { name: 'none', slippageFraction: () => 0 };

/** The same cost on every fill, in basis points of price. */
export function fixedBpsSlippage(bps: number): SlippageModel {
  if (!(bps >= 0)) throw new RangeError(`fixedBpsSlippage: bps must be >= 0, got ${bps}`);
  const fraction = bps / BPS_PER_UNIT;
  return { name: 'fixed-bps', slippageFraction: () => fraction };
}

/** k × recent daily range fraction: wide-ranging stocks cost more to cross (k = 0.1 → a 2% ATR costs 20 bp). */
export function volatilitySlippage(k: number): SlippageModel {
  if (!(k >= 0)) throw new RangeError(`volatilitySlippage: k must be >= 0, got ${k}`);
  return {
    name: 'volatility',
    slippageFraction(context) {
      if (context.rangeFraction === undefined || !Number.isFinite(context.rangeFraction)) {
        throw new MissingMarketContextError('volatility', 'rangeFraction', context.symbol);
      }
      return k * context.rangeFraction;
    },
  };
}

export interface VolumeSlippageOptions {
  /** Impact at 100% participation (0.1 → trading a full day's volume moves the price 10%). */
  readonly impactCoefficient: number;
  /** 0.5 = square-root law of market impact (Almgren et al. 2005); 1 = linear in participation. */
  readonly exponent?: number;
}

/** Participation-rate impact: coefficient × (quantity / average daily volume) ^ exponent. */
export function volumeSlippage(options: VolumeSlippageOptions): SlippageModel {
  const { impactCoefficient, exponent = SQUARE_ROOT_LAW_EXPONENT } = options;
  if (!(impactCoefficient >= 0)) throw new RangeError('volumeSlippage: impactCoefficient must be >= 0');
  if (!(exponent > 0)) throw new RangeError('volumeSlippage: exponent must be > 0');
  return {
    name: 'volume',
    slippageFraction(context) {
      const volume = context.averageVolume;
      if (volume === undefined || !(volume > 0)) {
        throw new MissingMarketContextError('volume', 'averageVolume', context.symbol);
      }
      return impactCoefficient * (context.quantity / volume) ** exponent;
    },
  };
}

export const SQUARE_ROOT_LAW_EXPONENT = 0.5;
