import type { DecisionRecord } from '@ats/backtest';
import type {
  AttributionMetrics,
  MemorisationProbeReport,
  ProbeAgentAgreement,
  ProbeDecisionRow,
} from '@ats/reports';

/** What the anonymised run was told in place of the real names and dates. */
export interface ProbeAnonymisation {
  readonly dateShiftDays: number;
  readonly aliases: readonly { readonly symbol: string; readonly neutralId: string }[];
}

/**
 * The memorisation probe's comparison (pure): headline metrics of the named and the anonymised run and their gap,
 * and every agent call of both runs matched by decision time, symbol and agent.
 */
export function memorisationProbe(
  anonymisation: ProbeAnonymisation,
  named: { readonly metrics: AttributionMetrics; readonly decisions: readonly DecisionRecord[] },
  anonymised: { readonly metrics: AttributionMetrics; readonly decisions: readonly DecisionRecord[] },
): MemorisationProbeReport {
  const decisions = sideBySide(named.decisions, anonymised.decisions);
  return {
    dateShiftDays: anonymisation.dateShiftDays,
    aliases: anonymisation.aliases,
    named: named.metrics,
    anonymised: anonymised.metrics,
    gap: {
      totalReturn: difference(named.metrics.totalReturn, anonymised.metrics.totalReturn),
      sharpe: difference(named.metrics.sharpe, anonymised.metrics.sharpe),
      maxDrawdown: difference(named.metrics.maxDrawdown, anonymised.metrics.maxDrawdown),
      tradeCount: named.metrics.tradeCount - anonymised.metrics.tradeCount,
    },
    agreement: agreementByAgent(decisions),
    decisions,
  };
}

function difference(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : a - b;
}

/** Calls of both runs with the same decision time, symbol and agent, in the named run's order. */
function sideBySide(
  named: readonly DecisionRecord[],
  anonymised: readonly DecisionRecord[],
): ProbeDecisionRow[] {
  const key = (ts: string, symbol: string, agent: string) => `${ts}\u0000${symbol}\u0000${agent}`;
  const other = new Map<string, { signal: string; confidence: number }>();
  for (const decision of anonymised)
    for (const s of decision.signals)
      other.set(key(decision.ts, s.symbol, s.agent), { signal: s.signal, confidence: s.confidence });
  const rows: ProbeDecisionRow[] = [];
  for (const decision of named) {
    for (const s of decision.signals) {
      const match = other.get(key(decision.ts, s.symbol, s.agent));
      if (!match) continue;
      rows.push({
        ts: decision.ts,
        symbol: s.symbol,
        agent: s.agent,
        named: { signal: s.signal, confidence: s.confidence },
        anonymised: match,
      });
    }
  }
  return rows;
}

function agreementByAgent(rows: readonly ProbeDecisionRow[]): ProbeAgentAgreement[] {
  const byAgent = new Map<string, ProbeDecisionRow[]>();
  for (const row of rows) {
    const calls = byAgent.get(row.agent);
    if (calls) calls.push(row);
    else byAgent.set(row.agent, [row]);
  }
  return [...byAgent.entries()].map(([agent, calls]) => {
    const same = calls.filter((c) => c.named.signal === c.anonymised.signal).length;
    const gap = calls.reduce((sum, c) => sum + Math.abs(c.named.confidence - c.anonymised.confidence), 0);
    return {
      agent,
      compared: calls.length,
      sameSignal: same,
      agreement: calls.length > 0 ? same / calls.length : null,
      meanAbsConfidenceGap: calls.length > 0 ? gap / calls.length : null,
    };
  });
}
