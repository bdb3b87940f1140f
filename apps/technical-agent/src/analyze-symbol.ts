import {
  buildSnapshot,
  createAgentTeam,
  type DecisionContext,
  type PositionSize,
  RiskManagerAgent,
  SentimentAgent,
  TechnicalAgent,
} from '@ats/agents';
import {
  type AgentDecision,
  type AgentName,
  type Bar,
  type NewsItem,
  type RiskAssessment,
  SymbolSchema,
  type TickerSymbol,
} from '@ats/contracts';

/** Where the CLI reads bars from (LocalCsvProvider: the bundled daily CSVs). */
export interface BarSource {
  loadBars(symbol: string, options: { readonly to?: string }): Promise<Bar[]>;
}

export interface AnalyzeSymbolOptions {
  readonly symbol: TickerSymbol;
  readonly agent: AgentName;
  /** Last trading date to use (YYYY-MM-DD, inclusive); default the last bar available. */
  readonly date?: string;
  /** Cash-only account the risk and portfolio managers size against. */
  readonly equity: number;
  readonly news?: readonly NewsItem[];
}

export interface SymbolAnalysis {
  readonly symbol: TickerSymbol;
  readonly agent: AgentName;
  /** Decision time: close of the last bar used. */
  readonly asOf: string;
  readonly lastBarDate: string;
  readonly close: number;
  readonly bars: number;
  /** The agent's decision (technical, sentiment, portfolio); the risk manager answers with `risk` instead. */
  readonly decision?: AgentDecision;
  readonly risk?: RiskAssessment;
  /** Risk manager only: how it sizes this symbol (realised vol, volatility-target, ATR and Kelly weights). */
  readonly sizing?: PositionSize;
  /** Portfolio manager only: target weight of equity. */
  readonly targetWeight?: number;
}

export class NoBarsError extends Error {
  override readonly name = 'NoBarsError';
  constructor(
    readonly symbol: string,
    readonly date: string | undefined,
  ) {
    super(`no bars for ${symbol}${date ? ` on or before ${date}` : ''}`);
  }
}

/**
 * Runs one agent in-process (offline reasoner) on `symbol` as of the close of `date`: only bars up to that date
 * are read, so the answer is what the agent would have said then. The risk and portfolio managers see the
 * analysts' decisions of the same cycle first, as in the team.
 */
export async function analyzeSymbol(
  source: BarSource,
  options: AnalyzeSymbolOptions,
): Promise<SymbolAnalysis> {
  const symbol = SymbolSchema.parse(options.symbol);
  const loaded = await source.loadBars(symbol, options.date ? { to: options.date } : {});
  // Belt and braces against look-ahead: never a bar that opens after the requested date.
  const cutoff = options.date ? Date.parse(`${options.date}T00:00:00.000Z`) : Number.POSITIVE_INFINITY;
  const bars = loaded.filter((b) => Date.parse(b.ts) <= cutoff);
  const last = bars[bars.length - 1];
  if (!last) throw new NoBarsError(symbol, options.date);
  const snapshot = buildSnapshot(symbol, bars, undefined, { news: options.news ?? [] });
  const ctx: DecisionContext = {
    asOf: snapshot.asOf,
    correlationId: `cli-${symbol}-${last.ts.slice(0, 10)}`,
    snapshots: [snapshot],
    news: options.news ?? [],
    portfolio: { asOf: snapshot.asOf, cash: options.equity, equity: options.equity, positions: [] },
  };
  const base = {
    symbol,
    agent: options.agent,
    asOf: snapshot.asOf,
    lastBarDate: last.ts.slice(0, 10),
    close: last.close,
    bars: bars.length,
  };
  switch (options.agent) {
    case 'technical':
      return { ...base, decision: only(new TechnicalAgent().decide({ ctx, priorDecisions: [] })) };
    case 'sentiment':
      return { ...base, decision: only(new SentimentAgent().decide({ ctx, priorDecisions: [] })) };
    case 'risk': {
      const technical = new TechnicalAgent().decide({ ctx, priorDecisions: [] });
      const sentiment = new SentimentAgent().decide({ ctx, priorDecisions: technical });
      const report = new RiskManagerAgent().decide({ ctx, priorDecisions: [...technical, ...sentiment] });
      return { ...base, risk: report.assessment, sizing: report.sizes[0] };
    }
    case 'portfolio': {
      const outcome = await createAgentTeam().runCycle(ctx);
      return {
        ...base,
        decision: only(outcome.decisions.filter((d) => d.agent === 'portfolio')),
        risk: outcome.risk,
        targetWeight: outcome.targets[0]?.targetWeight ?? 0,
      };
    }
  }
}

function only(decisions: readonly AgentDecision[]): AgentDecision {
  const decision = decisions[0];
  if (!decision) throw new Error('the agent returned no decision');
  return decision;
}

const LABEL_WIDTH = 22;
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/** A short report for people: the decision, its reasoning and the figures behind it. */
export function formatAnalysis(a: SymbolAnalysis): string {
  const lines = [
    `${a.symbol}  ${a.agent} agent  as of ${a.asOf} (close of ${a.lastBarDate}: ${a.close}, ${a.bars} bars)`,
    '',
  ];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(LABEL_WIDTH)}${value}`);
  if (a.decision) {
    row('Signal', a.decision.signal);
    row('Confidence', a.decision.confidence.toFixed(2));
    if (a.targetWeight !== undefined) row('Target weight', pct(a.targetWeight));
    row('Reasoning', a.decision.reasoning);
    const figures = Object.entries(a.decision.supportingData).filter(
      ([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null,
    );
    if (figures.length > 0) {
      lines.push('', '  Supporting data');
      for (const [k, v] of figures) row(`  ${k}`, String(v));
    }
  }
  if (a.risk) {
    if (a.decision) lines.push('', '  Risk manager');
    row(
      'VaR 95 / 99',
      `${pct(a.risk.valueAtRisk95, 2)} / ${pct(a.risk.valueAtRisk99, 2)} (one day, current portfolio)`,
    );
    row(
      'CVaR 95 / 99',
      `${pct(a.risk.conditionalValueAtRisk95, 2)} / ${pct(a.risk.conditionalValueAtRisk99, 2)}`,
    );
    row('Drawdown', `${pct(a.risk.currentDrawdown)} (limit ${pct(a.risk.drawdownLimit)})`);
    row('Max weight', pct(a.risk.maxWeightBySymbol[a.symbol] ?? 0));
    if (a.sizing) {
      const s = a.sizing;
      row('Realised vol', s.realisedVol === null ? 'n/a (short history)' : pct(s.realisedVol));
      row(
        'Sizing',
        `${s.method}: vol-target ${pct(s.volatilityTarget)}, ATR ${pct(s.atrBased)}, Kelly ${pct(s.kelly)}`,
      );
    }
    row('Vetoes', a.risk.vetoes.length === 0 ? 'none' : a.risk.vetoes.map((v) => v.reason).join('; '));
    if (!a.decision) row('Reasoning', a.risk.reasoning);
  }
  return lines.join('\n');
}
