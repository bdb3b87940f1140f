import { agentRpcSubjects, remoteAgentTeam } from '@ats/agent-rpc';
import { type AgentTeamDeps, DEFAULT_CONSENSUS_WEIGHTS, type DecisionContext } from '@ats/agents';
import type { Bus } from '@ats/bus';
import type { AgentName, BacktestRequest, DecisionPurpose } from '@ats/contracts';
import { DEFAULT_REMOTE_AGENTS } from './defaults';

export class RemoteAgentsConfigError extends Error {
  override readonly name = 'RemoteAgentsConfigError';
}

/** Proxies (queue-group requests over the bus) for the chosen agents; the team runs the others in-process. */
export function remoteAgents(
  bus: Bus,
  request: BacktestRequest,
  options: { readonly remote?: readonly AgentName[]; readonly namespace?: string } = {},
): Omit<AgentTeamDeps, 'reasoner'> {
  const remote = new Set(options.remote ?? DEFAULT_REMOTE_AGENTS);
  if (remote.has('portfolio')) {
    const defaults = DEFAULT_CONSENSUS_WEIGHTS;
    const sameWeights =
      request.weights.technical === defaults.technical && request.weights.sentiment === defaults.sentiment;
    if (!sameWeights || (request.attribution && request.strategy === 'multi-agent')) {
      throw new RemoteAgentsConfigError(
        `a remote portfolio manager decides with its service's weights, not this backtest's ` +
          `(technical ${request.weights.technical} / sentiment ${request.weights.sentiment}, attribution ` +
          `${request.attribution ? 'on' : 'off'}): keep portfolio local, or use default weights and --no-attribution`,
      );
    }
  }
  const proxies = remoteAgentTeam(bus, { subjects: agentRpcSubjects(options.namespace) });
  const chosen: { -readonly [K in keyof Omit<AgentTeamDeps, 'reasoner'>]: AgentTeamDeps[K] } = {};
  if (remote.has('technical')) chosen.technical = asBacktest(proxies.technical);
  if (remote.has('sentiment')) chosen.sentiment = asBacktest(proxies.sentiment);
  if (remote.has('risk')) chosen.risk = asBacktest(proxies.risk);
  if (remote.has('portfolio')) chosen.portfolio = asBacktest(proxies.portfolio);
  return chosen;
}

/**
 * The proxy with every request's context marked `purpose: backtest`: the agent services then reply without
 * publishing on the live `decision.>` subjects (a backtest keeps its decisions in its own result).
 */
function asBacktest<
  R extends { readonly ctx: DecisionContext },
  A,
  T extends { analyze(request: R): Promise<A> },
>(agent: T): T {
  const purpose: DecisionPurpose = 'backtest';
  return Object.assign(Object.create(agent) as T, {
    analyze: (request: R) => agent.analyze({ ...request, ctx: { ...request.ctx, purpose } }),
  });
}
