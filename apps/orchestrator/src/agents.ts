import { agentRpcSubjects, remoteAgentTeam } from '@ats/agent-rpc';
import { type AgentTeam, createAgentTeam, type OrchestrationPattern } from '@ats/agents';
import type { Bus } from '@ats/bus';
import type { AgentName } from '@ats/contracts';

/** `embedded`: the four agents run in this process; `remote`: NATS proxies to the agent services. */
export type AgentPlacement = 'embedded' | 'remote';

export interface TeamFactoryOptions {
  readonly placement: AgentPlacement;
  /** Required for remote agents. */
  readonly bus?: Bus;
  /** Subject namespace of the agent RPC (tests). */
  readonly namespace?: string;
  /** Per-agent budget; an agent past it degrades the cycle instead of holding it up. */
  readonly timeoutMs?: Partial<Record<AgentName, number>>;
}

/** Builds the team of a pattern with the agents placed as asked. */
export function teamFactory(options: TeamFactoryOptions): (pattern: OrchestrationPattern) => AgentTeam {
  return (pattern) => {
    if (options.placement === 'embedded') return createAgentTeam({ pattern });
    if (!options.bus) throw new RangeError('remote agents need a bus');
    const remote = remoteAgentTeam(options.bus, {
      subjects: agentRpcSubjects(options.namespace),
      timeoutMs: options.timeoutMs,
    });
    return createAgentTeam({ pattern }, remote);
  };
}
