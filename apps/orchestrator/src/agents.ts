import { agentRpcSubjects, BusConnectionWatch, outageAwareTeam, remoteAgentTeam } from '@ats/agent-rpc';
import { type AgentTeam, createAgentTeam, type OrchestrationPattern, type RiskConfig } from '@ats/agents';
import { type Bus, NatsBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import type { AgentName } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import {
  buildTeamReasoners,
  buildTeamReasonersInMemory,
  createReasoningTeam,
  type LlmSettings,
  type TeamReasoners,
} from '@ats/llm';
import type { Logger } from '@ats/observability';
import { cycleChannels } from './channels';
import { recordingTeam } from './replay-cycle';

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
  /**
   * How embedded agents reason (LLM__* with per-agent LLM__<AGENT>__*): default the loaded configuration, as the
   * backtester and the agent services read it. Remote agents reason as their own services are configured.
   */
  readonly llm?: LlmSettings;
  /** The embedded risk manager's limits: default TRADING__MAX_POSITION_WEIGHT / TRADING__VAR_LIMIT_99. */
  readonly risk?: Partial<RiskConfig>;
  /**
   * The embedded agents' reasoners, built once by the process (embeddedReasoners: answers cached in Postgres, as
   * the backtester caches them); without them an LLM team caches in memory.
   */
  readonly reasoners?: TeamReasoners;
  /**
   * Remote agents: how long a cycle waits for NATS to come back when this process's connection is down, before the
   * run fails (default DEFAULT_BUS_OUTAGE_BUDGET_MS). A cycle never trades without its agents because of the bus.
   */
  readonly busOutageBudgetMs?: number;
  /** Says when a cycle waits for the bus and when it asks its agents again. */
  readonly logger?: Logger;
}

/**
 * The embedded team's LLM reasoners with their answer cache in Postgres (a re-run paper replay costs nothing, as
 * a re-run backtest does); undefined for the offline reasoner. Per agent LLM__<AGENT>__* over LLM__*.
 */
export async function embeddedReasoners(
  llm: LlmSettings,
  prisma: PrismaClient,
): Promise<TeamReasoners | undefined> {
  if (llm.provider === 'offline') return undefined;
  return buildTeamReasoners(llm.provider, llm, { prisma });
}

/**
 * Builds the team of a pattern with the agents placed as asked. With a bus, the team records each cycle's
 * decision context on the CYCLES stream (`cycle.context`), from which a cycle can be replayed.
 */
export function teamFactory(options: TeamFactoryOptions): (pattern: OrchestrationPattern) => AgentTeam {
  const build = placedTeam(options);
  const { bus } = options;
  if (!bus) return build;
  const channels = cycleChannels(options.namespace);
  return (pattern) => recordingTeam(build(pattern), pattern, bus, channels);
}

/** One watch per NATS connection, for every team and run of the process; the in-process bus is never down. */
const watches = new WeakMap<NatsBus, BusConnectionWatch>();
function connectionWatchOf(bus: Bus): BusConnectionWatch | undefined {
  if (!(bus instanceof NatsBus)) return undefined;
  let watch = watches.get(bus);
  if (!watch) {
    watch = new BusConnectionWatch(bus.connection);
    watches.set(bus, watch);
  }
  return watch;
}

function placedTeam(options: TeamFactoryOptions): (pattern: OrchestrationPattern) => AgentTeam {
  if (options.placement === 'embedded') {
    const config = options.llm && options.risk ? undefined : loadConfig();
    const llm = options.llm ?? (config as NonNullable<typeof config>).llm;
    const risk = options.risk ?? (config as NonNullable<typeof config>).trading.risk;
    if (llm.provider === 'offline') return (pattern) => createAgentTeam({ pattern, risk });
    // One set of clients for every pattern's team: one answer cache, one usage count.
    const reasoners = options.reasoners ?? buildTeamReasonersInMemory(llm.provider, llm);
    return (pattern) => createReasoningTeam({ pattern, risk }, reasoners);
  }
  const { bus, logger } = options;
  if (!bus) throw new RangeError('remote agents need a bus');
  const watch = connectionWatchOf(bus);
  return (pattern) => {
    const remote = remoteAgentTeam(bus, {
      subjects: agentRpcSubjects(options.namespace),
      timeoutMs: options.timeoutMs,
    });
    const team = createAgentTeam({ pattern }, remote);
    if (!watch) return team;
    return outageAwareTeam(team, watch, {
      ...(options.busOutageBudgetMs === undefined ? {} : { budgetMs: options.busOutageBudgetMs }),
      onWait: ({ correlationId, attempt, degraded }) =>
        logger?.warn(
          { correlationId, attempt, unreachable: degraded },
          'NATS connection down during the cycle: waiting for it, then asking the agents again',
        ),
      onResumed: ({ correlationId, waitedMs }) =>
        logger?.warn(
          { correlationId, waitedMs: Math.round(waitedMs) },
          'NATS back: the cycle asked its agents again',
        ),
    });
  };
}
