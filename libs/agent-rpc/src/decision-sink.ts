import type { DecisionContext } from '@ats/agents';
import type { AgentDecision, AgentName } from '@ats/contracts';

/** A JSON value (what the Decision table's `inputs` column holds). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One decision to keep for audit, with a summary of the inputs it was based on. */
export interface DecisionRecord {
  readonly decision: AgentDecision;
  /** The cycle's correlation id (also on the decision when the agent set it). */
  readonly correlationId: string;
  readonly inputs: { [key: string]: JsonValue };
}

/** Where served decisions are kept besides JetStream (Postgres in production). */
export interface DecisionSink {
  record(records: readonly DecisionRecord[]): Promise<void>;
}

/** What else the agent saw for a symbol besides its snapshot: earlier decisions, risk limits, the horizon asked. */
export interface InputExtras {
  readonly horizon?: 'standard' | 'long';
  readonly priorDecisions?: readonly AgentDecision[];
  readonly maxWeightBySymbol?: Readonly<Record<string, number>>;
  readonly vetoes?: readonly { readonly symbol: string; readonly reason: string }[];
  readonly degradedAgents?: readonly string[];
}

/**
 * The ids of the evidence items about `symbol` a decision at asOf could use (availableAt <= asOf), per kind, and the
 * mood reading: which headlines, posts, Form 4 rows and 13F holdings were in view, not their contents.
 */
function evidenceIds(ctx: DecisionContext, symbol: string): { [key: string]: JsonValue } {
  const evidence = ctx.evidence;
  if (!evidence) return {};
  const asOf = Date.parse(ctx.asOf);
  const visible = (item: { readonly availableAt: string }) => Date.parse(item.availableAt) <= asOf;
  const ids = (items: readonly { readonly id: string; readonly availableAt: string }[]) =>
    items.filter(visible).map((i) => i.id);
  return {
    news: ids(evidence.news.filter((n) => n.symbols.includes(symbol))),
    social: ids(evidence.social.filter((p) => p.symbols.includes(symbol))),
    insider: ids(evidence.insider.filter((t) => t.symbol === symbol)),
    institutional: ids(evidence.institutional.filter((h) => h.symbol === symbol)),
    mood: evidence.mood && visible(evidence.mood) ? `${evidence.mood.source}:${evidence.mood.date}` : null,
  };
}

/**
 * A compact, replayable account of one decision's inputs: which bars, news and evidence items it saw (ids and
 * times, not the bars themselves, which live in the bars table), the portfolio at asOf, and what other agents said before it.
 */
export function summariseInputs(
  agent: AgentName,
  ctx: DecisionContext,
  decision: AgentDecision,
  extras: InputExtras = {},
): { [key: string]: JsonValue } {
  const snapshot = ctx.snapshots.find((s) => s.symbol === decision.symbol);
  const position = ctx.portfolio.positions.find((p) => p.symbol === decision.symbol);
  const newsIds = new Set<string>();
  for (const n of snapshot?.news ?? []) newsIds.add(n.id);
  for (const n of ctx.news) if (n.symbols.includes(decision.symbol)) newsIds.add(n.id);
  const history = snapshot?.history ?? [];
  const summary: { [key: string]: JsonValue } = {
    agent,
    asOf: ctx.asOf,
    horizon: extras.horizon ?? 'standard',
    price: snapshot?.price ?? null,
    bars: history.length,
    firstBarTs: history[0]?.ts ?? null,
    lastBarTs: history[history.length - 1]?.ts ?? null,
    newsIds: [...newsIds].sort(),
    portfolio: {
      asOf: ctx.portfolio.asOf,
      equity: ctx.portfolio.equity,
      cash: ctx.portfolio.cash,
      quantity: position?.quantity ?? 0,
    },
    priorDecisions: (extras.priorDecisions ?? [])
      .filter((d) => d.symbol === decision.symbol)
      .map((d) => ({ agent: d.agent, signal: d.signal, confidence: d.confidence })),
  };
  if (ctx.evidence) summary.evidence = evidenceIds(ctx, decision.symbol);
  if (extras.maxWeightBySymbol) summary.maxWeight = extras.maxWeightBySymbol[decision.symbol] ?? null;
  if (extras.vetoes)
    summary.vetoes = extras.vetoes.filter((v) => v.symbol === decision.symbol).map((v) => v.reason);
  if (extras.degradedAgents) summary.degradedAgents = [...extras.degradedAgents];
  return summary;
}
