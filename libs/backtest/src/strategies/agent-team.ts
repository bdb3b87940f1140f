import {
  type AgentTeamConfigInput,
  type AgentTeamDeps,
  createAgentTeam,
  DEFAULT_LOOKBACK_BARS,
  type Reasoner,
  SymbolFeed,
} from '@ats/agents';
import type { Strategy } from '../strategy';
import { type MultiAgentStrategyOptions, multiAgentStrategy } from './multi-agent';

export interface AgentTeamStrategyOptions
  extends Omit<MultiAgentStrategyOptions, 'team' | 'createSnapshotSource' | 'teamDescription'> {
  readonly team?: AgentTeamConfigInput;
  /** Default: the offline, rule-based reasoner (deterministic, no LLM calls). */
  readonly reasoner?: Reasoner;
  /** Bars of history in each snapshot (default 260). */
  readonly lookback?: number;
  /**
   * Stand-ins for any agent, e.g. @ats/agent-rpc proxies to agent services (distributed backtests). Where an agent
   * runs is deployment, not strategy: it is left out of the result's config so both give the same result.
   */
  readonly agents?: Omit<AgentTeamDeps, 'reasoner'>;
}

/**
 * The @ats/agents team (technical, sentiment, risk, portfolio manager) as a backtest strategy: each symbol's
 * indicators stream bar by bar through a SymbolFeed, and the team runs at every rebalance time.
 */
export function agentTeamStrategy(options: AgentTeamStrategyOptions = {}): Strategy {
  const { team: teamConfig, reasoner, agents = {}, lookback = DEFAULT_LOOKBACK_BARS, ...rest } = options;
  const team = createAgentTeam(teamConfig, { ...agents, ...(reasoner ? { reasoner } : {}) });
  return multiAgentStrategy({
    ...rest,
    team,
    createSnapshotSource: (symbol) => new SymbolFeed(symbol, lookback),
    teamDescription: {
      weights: team.config.weights,
      pattern: team.config.pattern,
      risk: team.config.risk,
      portfolio: team.config.portfolio,
      reasoner: reasoner ? 'injected' : 'offline',
      lookback,
    },
  });
}
