import type { AgentDecision } from '@ats/contracts';

/** A decision row already stored for a cycle: by an agent service's sink (runId null) or by an earlier save. */
export interface StoredDecisionRow {
  readonly id: string;
  readonly runId: string | null;
  readonly agent: string;
  readonly symbol: string;
  readonly signal: string;
  readonly confidence: number;
  readonly reasoning: string;
  readonly decidedAt: Date;
  /** The agent's inputs summary; null on rows the trading store wrote itself. */
  readonly inputs: unknown;
}

/** How one cycle's decisions meet the rows already stored for it. */
export interface DecisionMerge {
  /** Rows the agent services recorded without a run: they become the run's (inputs summary kept). */
  readonly adopt: readonly string[];
  /** Stored rows that stand for a decision but say something else (a re-run cycle decided anew). */
  readonly rewrite: readonly { readonly id: string; readonly decision: AgentDecision }[];
  /** Decisions no stored row stands for (every decision of an embedded team). */
  readonly create: readonly AgentDecision[];
}

const horizonOf = (inputs: unknown): unknown =>
  inputs && typeof inputs === 'object' ? (inputs as { horizon?: unknown }).horizon : undefined;

const saysTheSame = (row: StoredDecisionRow, d: AgentDecision): boolean =>
  row.signal === d.signal &&
  row.confidence === d.confidence &&
  row.reasoning === d.reasoning &&
  row.decidedAt.getTime() === Date.parse(d.ts);

/**
 * The stored row that stands for `decision`, among the unclaimed rows of its agent and symbol: the one that says the
 * same, else the long-horizon re-ask's (the hierarchical team keeps that answer over the standard one), else the first.
 */
function rowFor(
  decision: AgentDecision,
  candidates: readonly StoredDecisionRow[],
): StoredDecisionRow | undefined {
  return (
    candidates.find((row) => saysTheSame(row, decision)) ??
    candidates.find((row) => horizonOf(row.inputs) === 'long') ??
    candidates[0]
  );
}

/**
 * Merges a cycle's decisions with the rows stored for it, keyed by agent and symbol (the agent sink adds the horizon
 * to its key, so a symbol the technical agent was re-asked on has two rows: both are the agent's, one is the decision).
 * Every run-less row is adopted, the superseded standard-horizon answer too: it is part of the cycle's audit trail.
 */
export function mergeCycleDecisions(
  stored: readonly StoredDecisionRow[],
  decisions: readonly AgentDecision[],
): DecisionMerge {
  const unclaimed = new Map<string, StoredDecisionRow[]>();
  for (const row of stored) {
    const key = `${row.agent}|${row.symbol}`;
    unclaimed.set(key, [...(unclaimed.get(key) ?? []), row]);
  }
  const rewrite: { id: string; decision: AgentDecision }[] = [];
  const create: AgentDecision[] = [];
  for (const decision of decisions) {
    const key = `${decision.agent}|${decision.symbol}`;
    const candidates = unclaimed.get(key) ?? [];
    const row = rowFor(decision, candidates);
    if (!row) {
      create.push(decision);
      continue;
    }
    unclaimed.set(
      key,
      candidates.filter((c) => c !== row),
    );
    if (!saysTheSame(row, decision)) rewrite.push({ id: row.id, decision });
  }
  return { adopt: stored.filter((row) => row.runId === null).map((row) => row.id), rewrite, create };
}
