import {
  type AgentConfig,
  DEFAULT_AGENT_CONFIGS,
  DEFAULT_PORTFOLIO_CONFIG,
  type PortfolioConfig,
  type RiskAgent,
  type RiskReport,
  type RiskRequest,
} from '@ats/agents';

/**
 * The risk manager taken out, for the attribution table's ablation row: no vetoes (VaR, drawdown, history) and no
 * sizing (volatility target, per-symbol and cluster caps). Every symbol may take an equal slot of the invested
 * budget, (1 − cash buffer) / max positions, which the portfolio manager scales by its consensus as usual. The
 * engine's own order limits still apply: they are the venue's, not the risk manager's.
 */
export class WithoutRiskManager implements RiskAgent {
  readonly config: AgentConfig = DEFAULT_AGENT_CONFIGS.risk;
  readonly offline = true;
  readonly #slot: number;

  constructor(portfolio: Partial<PortfolioConfig> = {}) {
    const { cashBuffer, maxPositions } = { ...DEFAULT_PORTFOLIO_CONFIG, ...portfolio };
    this.#slot = (1 - cashBuffer) / maxPositions;
  }

  decide({ ctx }: RiskRequest): RiskReport {
    const maxWeightBySymbol: Record<string, number> = {};
    for (const s of ctx.snapshots) maxWeightBySymbol[s.symbol] = this.#slot;
    return {
      assessment: {
        asOf: ctx.asOf,
        valueAtRisk95: 0,
        valueAtRisk99: 0,
        conditionalValueAtRisk95: 0,
        conditionalValueAtRisk99: 0,
        currentDrawdown: 0,
        drawdownLimit: 1,
        maxWeightBySymbol,
        vetoes: [],
        reasoning: `No risk manager (ablation): no vetoes, every symbol an equal slot of ${(this.#slot * 100).toFixed(1)}%.`,
        correlationId: ctx.correlationId,
      },
      sizes: [],
      correlation: { symbols: [], matrix: [], clusters: [] },
      parametric: { valueAtRisk95: 0, valueAtRisk99: 0, cvar95: 0, cvar99: 0 },
    };
  }

  async analyze(request: RiskRequest): Promise<RiskReport> {
    return this.decide(request);
  }
}
