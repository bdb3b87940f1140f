/**
 * What the broker charges for one execution, in account currency, given the filled quantity and price.
 * Models are pure functions of the fill so the backtester and the paper broker charge identically.
 */
export interface CommissionModel {
  readonly name: string;
  commission(quantity: number, price: number): number;
}

export interface PerShareCommissionOptions {
  /** Charge per share (e.g. 0.005 USD, the Interactive Brokers fixed tier). */
  readonly perShare: number;
  /** Floor per order (IBKR fixed: 1.00 USD). */
  readonly minimum?: number;
  /** Cap per order as a fraction of trade value (IBKR fixed: 1% of trade value). */
  readonly maximumFractionOfValue?: number;
}

function assertNonNegative(model: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${model}: ${name} must be >= 0, got ${value}`);
}

/** Per-share commission with a per-order minimum and a cap as a fraction of trade value (IBKR "fixed" style). */
export function perShareCommission(options: PerShareCommissionOptions): CommissionModel {
  const { perShare, minimum = 0, maximumFractionOfValue = Number.POSITIVE_INFINITY } = options;
  assertNonNegative('perShareCommission', 'perShare', perShare);
  assertNonNegative('perShareCommission', 'minimum', minimum);
  if (!(maximumFractionOfValue >= 0))
    throw new RangeError('perShareCommission: maximumFractionOfValue must be >= 0');
  return {
    name: 'per-share',
    commission(quantity, price) {
      if (quantity <= 0) return 0;
      // The cap wins over the minimum on tiny orders, as IBKR applies them (1% of a $50 order is $0.50).
      return Math.min(Math.max(perShare * quantity, minimum), maximumFractionOfValue * quantity * price);
    },
  };
}

/** The same amount for every execution, whatever its size. */
export function flatCommission(perTrade: number): CommissionModel {
  assertNonNegative('flatCommission', 'perTrade', perTrade);
  return { name: 'flat', commission: (quantity) => (quantity > 0 ? perTrade : 0) };
}

export interface BasisPointsCommissionOptions {
  /** Charge in basis points of trade value (1 bp = 0.01%). */
  readonly bps: number;
  readonly minimum?: number;
}

/** A fraction of trade value with a per-order minimum (typical of European and crypto venues). */
export function basisPointsCommission(options: BasisPointsCommissionOptions): CommissionModel {
  const { bps, minimum = 0 } = options;
  assertNonNegative('basisPointsCommission', 'bps', bps);
  assertNonNegative('basisPointsCommission', 'minimum', minimum);
  return {
    name: 'basis-points',
    commission: (quantity, price) =>
      quantity > 0 ? Math.max((quantity * price * bps) / BPS_PER_UNIT, minimum) : 0,
  };
}

export const noCommission: CommissionModel = { name: 'none', commission: () => 0 };

/** 1 basis point = 1/10,000. */
export const BPS_PER_UNIT = 10_000;
