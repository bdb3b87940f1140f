import type { InsiderTransaction } from '@ats/contracts';
import { num, signed } from '../format';
import { availableMs } from './point-in-time';
import { type SentimentComponent, scoreAgreement } from './sentiment-component';
import { INSIDER_SALE_WEIGHT, INSIDER_VALUE_SCALE_USD, INSIDER_WINDOW_DAYS } from './sentiment-weights';

const DAY_MS = 86_400_000;

/** Form 4 codes by name, for saying what was ignored. */
const CODE_NAMES: Readonly<Record<string, string>> = {
  P: 'open-market purchase',
  S: 'sale',
  M: 'option exercise',
  A: 'award',
  F: 'tax withholding',
  G: 'gift',
  C: 'conversion',
  J: 'other',
};

export interface InsiderSummary {
  readonly purchasesUsd: number;
  readonly salesUsd: number;
  /** Transactions in the window that are not open-market purchases or sales with a price, by code. */
  readonly ignored: Readonly<Record<string, number>>;
}

/**
 * The insider component: open-market purchases (P) against sales (S) over INSIDER_WINDOW_DAYS, in value
 * (shares × price): score = (P − λ·S) / (P + S) with λ = INSIDER_SALE_WEIGHT, so in [−λ, 1]; evidence strength
 * 1 − e^(−(P + S) / INSIDER_VALUE_SCALE_USD). Awards, exercises, tax withholdings, gifts, conversions (and P/S rows
 * without a price) carry no view on the stock and are ignored, and counted so the reasoning says so.
 */
export function insiderComponent(
  transactions: readonly InsiderTransaction[],
  asOfMs: number,
): { readonly component: SentimentComponent | undefined; readonly summary: InsiderSummary } {
  const oldest = asOfMs - INSIDER_WINDOW_DAYS * DAY_MS;
  const used: { t: InsiderTransaction; signedValue: number }[] = [];
  const ignored: Record<string, number> = {};
  let purchases = 0;
  let sales = 0;
  for (const t of transactions) {
    const available = availableMs(t);
    if (!(available <= asOfMs) || available < oldest) continue;
    const value = t.price === undefined ? undefined : t.shares * t.price;
    if ((t.code === 'P' || t.code === 'S') && value !== undefined && value > 0) {
      if (t.code === 'P') purchases += value;
      else sales += value;
      used.push({ t, signedValue: t.code === 'P' ? value : -INSIDER_SALE_WEIGHT * value });
    } else {
      const key = t.code === 'P' || t.code === 'S' ? `${t.code} without price` : t.code;
      ignored[key] = (ignored[key] ?? 0) + 1;
    }
  }
  const summary: InsiderSummary = { purchasesUsd: purchases, salesUsd: sales, ignored };
  const total = purchases + sales;
  if (total === 0) return { component: undefined, summary };
  const score = (purchases - INSIDER_SALE_WEIGHT * sales) / total;
  const strength = 1 - Math.exp(-total / INSIDER_VALUE_SCALE_USD);
  return {
    summary,
    component: {
      kind: 'insider',
      score,
      strength,
      items: used.map(({ t, signedValue }) => ({
        kind: 'insider',
        source: t.source,
        id: t.id,
        label: `${t.owner}${t.ownerPosition ? ` (${t.ownerPosition})` : ''} ${t.code === 'P' ? 'bought' : 'sold'} ${num(t.shares, 0)} @ ${num(t.price)} on ${t.transactionDate}`,
        availableAt: t.availableAt,
        share: signedValue / total,
      })),
      agreement: (signal) => scoreAgreement(score, signal),
      describe: () =>
        `insider ${signed(score)}: purchases $${usd(purchases)} vs sales $${usd(sales)} in ${INSIDER_WINDOW_DAYS} days (sales ×${INSIDER_SALE_WEIGHT}; evidence ${num(strength)})${describeIgnored(ignored)}`,
    },
  };
}

export function describeIgnored(ignored: Readonly<Record<string, number>>): string {
  const parts = Object.entries(ignored)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, n]) => {
      const code = key.charAt(0);
      return `${CODE_NAMES[code] ?? 'other'}${key.length > 1 ? ' without price' : ''} (${code}) ×${n}`;
    });
  return parts.length === 0 ? '' : `; ignored (no view on the stock): ${parts.join(', ')}`;
}

/** Dollar amounts in the reasoning: millions with one decimal, else thousands. */
export function usd(value: number): string {
  return value >= 1e6 ? `${num(value / 1e6, 1)}M` : `${num(value / 1e3, 0)}k`;
}
