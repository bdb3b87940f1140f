import {
  type AdaptiveConsensusWeights,
  type AgentTeamConfigInput,
  type AgentTeamDeps,
  createAgentTeam,
  DEFAULT_LOOKBACK_BARS,
  OFFLINE_REASONER,
  PortfolioManagerAgent,
  type Reasoner,
  resolveTeamConfig,
  SymbolFeed,
} from '@ats/agents';
import type { Strategy } from '../strategy';
import { type MultiAgentStrategyOptions, multiAgentStrategy } from './multi-agent';
import { WithoutRiskManager } from './without-risk-manager';

export interface AgentTeamStrategyOptions
  extends Omit<MultiAgentStrategyOptions, 'team' | 'createSnapshotSource' | 'teamDescription'> {
  readonly team?: AgentTeamConfigInput;
  /** Default: the offline, rule-based reasoner (deterministic, no LLM calls). */
  readonly reasoner?: Reasoner;
  /** Each agent's own reasoner (per-agent LLM settings), over `reasoner`. */
  readonly reasoners?: AgentTeamDeps['reasoners'];
  /** Bars of history in each snapshot (default 260). */
  readonly lookback?: number;
  /**
   * Stand-ins for any agent, e.g. @ats/agent-rpc proxies to agent services (distributed backtests). Where an agent
   * runs is deployment, not strategy: it is left out of the result's config so both give the same result.
   */
  readonly agents?: Omit<AgentTeamDeps, 'reasoner' | 'reasoners'>;
  /**
   * Point-in-time adaptive consensus weights (the team's weights become their fallback); its `path` holds the
   * weights of every decision time after the run. Absent: the static weights.
   */
  readonly adaptiveWeights?: AdaptiveConsensusWeights;
  /** Ablation: run without the risk manager's vetoes and sizing (see WithoutRiskManager). */
  readonly withoutRiskManager?: boolean;
}

/**
 * The @ats/agents team (technical, sentiment, risk, portfolio manager) as a backtest strategy: each symbol's
 * indicators stream bar by bar through a SymbolFeed, and the team runs at every rebalance time.
 */
export function agentTeamStrategy(options: AgentTeamStrategyOptions = {}): Strategy {
  const {
    team: teamConfig,
    reasoner,
    reasoners,
    agents = {},
    lookback = DEFAULT_LOOKBACK_BARS,
    adaptiveWeights,
    withoutRiskManager = false,
    ...rest
  } = options;
  const resolved = resolveTeamConfig(teamConfig);
  const team = createAgentTeam(teamConfig, {
    ...agents,
    ...(reasoner ? { reasoner } : {}),
    ...(reasoners ? { reasoners } : {}),
    ...(adaptiveWeights
      ? {
          portfolio: new PortfolioManagerAgent(
            resolved.portfolio,
            resolved.weights,
            resolved.agents.portfolio,
            reasoners?.portfolio ?? reasoner ?? OFFLINE_REASONER,
            adaptiveWeights,
          ),
        }
      : {}),
    ...(withoutRiskManager ? { risk: new WithoutRiskManager(resolved.portfolio) } : {}),
  });
  return multiAgentStrategy({
    ...rest,
    team,
    createSnapshotSource: (symbol) => new SymbolFeed(symbol, lookback),
    teamDescription: {
      weights: team.config.weights,
      pattern: team.config.pattern,
      risk: team.config.risk,
      portfolio: team.config.portfolio,
      reasoner: reasoner || reasoners ? 'injected' : 'offline',
      lookback,
      // Only when on: the default team's result stays byte-identical.
      ...(adaptiveWeights ? { weighting: { kind: 'adaptive', rule: adaptiveWeights.rule } } : {}),
      ...(withoutRiskManager ? { riskManager: 'off (ablation)' } : {}),
    },
  });
}
