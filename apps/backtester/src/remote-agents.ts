import { agentRpcSubjects, remoteAgentTeam } from '@ats/agent-rpc';
import { type AgentTeamDeps, DEFAULT_CONSENSUS_WEIGHTS } from '@ats/agents';
import type { Bus } from '@ats/bus';
import type { AgentName, BacktestRequest } from '@ats/contracts';

/**
 * By default the analysts and the risk manager run as services; the portfolio manager stays in the backtester
 * because it carries this backtest's consensus weights (and the attribution runs' ablated ones), which the
 * analyze request does not carry: a remote portfolio manager uses the weights its own service was started with.
 */
export const DEFAULT_REMOTE_AGENTS: readonly AgentName[] = ['technical', 'sentiment', 'risk'];

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
  if (remote.has('technical')) chosen.technical = proxies.technical;
  if (remote.has('sentiment')) chosen.sentiment = proxies.sentiment;
  if (remote.has('risk')) chosen.risk = proxies.risk;
  if (remote.has('portfolio')) chosen.portfolio = proxies.portfolio;
  return chosen;
}
