import type { InstitutionalHolding } from '@ats/contracts';
import { num, pct, signed } from '../format';
import { clamp } from '../stats';
import { availableMs } from './point-in-time';
import { type SentimentComponent, scoreAgreement } from './sentiment-component';
import {
  INSTITUTIONAL_FULL_EVIDENCE_FILERS,
  INSTITUTIONAL_FULL_SCALE,
  INSTITUTIONAL_WINDOW_DAYS,
} from './sentiment-weights';

const DAY_MS = 86_400_000;

/**
 * The institutional component from 13F holdings available within INSTITUTIONAL_WINDOW_DAYS: each filer's latest
 * report with a known change in shares; net change / the filers' previous holdings, scaled so that a change of
 * INSTITUTIONAL_FULL_SCALE is ±1 (clamped). Evidence strength: filers / INSTITUTIONAL_FULL_EVIDENCE_FILERS, at most 1.
 * Undefined when no holding has a known change.
 */
export function institutionalComponent(
  holdings: readonly InstitutionalHolding[],
  asOfMs: number,
): SentimentComponent | undefined {
  const oldest = asOfMs - INSTITUTIONAL_WINDOW_DAYS * DAY_MS;
  const latest = new Map<string, InstitutionalHolding & { sharesChange: number }>();
  for (const h of holdings) {
    const available = availableMs(h);
    if (!(available <= asOfMs) || available < oldest || h.sharesChange === undefined) continue;
    const known = latest.get(h.filerCik);
    if (known === undefined || h.periodOfReport > known.periodOfReport)
      latest.set(h.filerCik, h as InstitutionalHolding & { sharesChange: number });
  }
  if (latest.size === 0) return undefined;
  const reports = [...latest.values()];
  let net = 0;
  let previous = 0;
  for (const h of reports) {
    net += h.sharesChange;
    previous += Math.max(0, h.shares - h.sharesChange);
  }
  // All positions new (no previous holdings): a full-scale inflow.
  const change = previous > 0 ? net / previous : Math.sign(net) * INSTITUTIONAL_FULL_SCALE;
  const raw = change / INSTITUTIONAL_FULL_SCALE;
  const score = clamp(raw, -1, 1);
  const scale = raw === 0 ? 0 : score / raw;
  const strength = Math.min(1, reports.length / INSTITUTIONAL_FULL_EVIDENCE_FILERS);
  return {
    kind: 'institutional',
    score,
    strength,
    items: reports.map((h) => ({
      kind: 'institutional',
      source: h.source,
      id: h.id,
      label: `${h.filer} ${h.sharesChange >= 0 ? '+' : ''}${num(h.sharesChange, 0)} shares to ${num(h.shares, 0)} (13F ${h.periodOfReport})`,
      availableAt: h.availableAt,
      share:
        previous > 0
          ? (h.sharesChange / previous / INSTITUTIONAL_FULL_SCALE) * scale
          : Math.sign(h.sharesChange) * (score / reports.length),
    })),
    agreement: (signal) => scoreAgreement(score, signal),
    describe: () =>
      `institutional ${signed(score)}: net ${signed(change * 100, 1)}% of the previous holdings of ${reports.length} 13F filer(s) (±${pct(INSTITUTIONAL_FULL_SCALE, 0)} is full scale)`,
  };
}
