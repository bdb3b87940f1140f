import type { AgentDecision } from '@ats/contracts';

/** A decision row already stored for a cycle: by an agent service's sink (runId null) or by an earlier save. */
export interface StoredDecisionRow {
  readonly agent: string;
  readonly symbol: string;
  readonly signal: string;
  readonly confidence: number;
  readonly reasoning: string;
  readonly decidedAt: Date;
  /** The agent's inputs summary; null on rows the trading store wrote itself. */
  readonly inputs: unknown;
}

/** One row of a cycle's decisions as they are to be stored. */
export type CycleDecisionRow<Row extends StoredDecisionRow> =
  /** A decision of the cycle, continuing the stored row that stands for it (its id and inputs summary) if any. */
  | { readonly decision: AgentDecision; readonly stored?: Row }
  /** An agent's record no decision of the cycle stands for (the standard answer a long-horizon re-ask replaced). */
  | { readonly decision?: undefined; readonly stored: Row };

const horizonOf = (inputs: unknown): unknown =>
  inputs && typeof inputs === 'object' ? (inputs as { horizon?: unknown }).horizon : undefined;

const hasInputs = (row: StoredDecisionRow) => row.inputs !== null && row.inputs !== undefined;

const saysTheSame = (row: StoredDecisionRow, d: AgentDecision): boolean =>
  row.signal === d.signal &&
  row.confidence === d.confidence &&
  row.reasoning === d.reasoning &&
  row.decidedAt.getTime() === Date.parse(d.ts);

/**
 * The stored row that stands for `decision`, among the unclaimed rows of its agent and symbol: the one that says the
 * same, else the long-horizon re-ask's (the hierarchical team keeps that answer over the standard one), else an
 * agent's record, else the store's own row of an earlier save.
 */
function rowFor<Row extends StoredDecisionRow>(
  decision: AgentDecision,
  candidates: readonly Row[],
): Row | undefined {
  return (
    candidates.find((row) => saysTheSame(row, decision)) ??
    candidates.find((row) => horizonOf(row.inputs) === 'long') ??
    candidates.find(hasInputs) ??
    candidates[0]
  );
}

/**
 * A cycle's decisions merged with the rows stored for it, so each decision is stored once. Agent services record
 * what they decided (no run, with an inputs summary) before they reply; the orchestrator then saves the cycle's
 * decisions. Rows are matched by agent and symbol (the agent sink adds the horizon to its key: a symbol the
 * technical agent was re-asked on has two rows, one of which is the decision). Every agent record stays, the
 * superseded standard-horizon answer too (it is part of the cycle's audit trail); the store's own rows of an
 * earlier save that no decision stands for any more go.
 */
export function cycleDecisionRows<Row extends StoredDecisionRow>(
  stored: readonly Row[],
  decisions: readonly AgentDecision[],
): CycleDecisionRow<Row>[] {
  const unclaimed = new Map<string, Row[]>();
  for (const row of stored) {
    const key = `${row.agent}|${row.symbol}`;
    unclaimed.set(key, [...(unclaimed.get(key) ?? []), row]);
  }
  const rows: CycleDecisionRow<Row>[] = decisions.map((decision) => {
    const key = `${decision.agent}|${decision.symbol}`;
    const candidates = unclaimed.get(key) ?? [];
    const row = rowFor(decision, candidates);
    if (!row) return { decision };
    unclaimed.set(
      key,
      candidates.filter((c) => c !== row),
    );
    return { decision, stored: row };
  });
  for (const left of unclaimed.values())
    for (const row of left) if (hasInputs(row)) rows.push({ stored: row });
  return rows;
}
