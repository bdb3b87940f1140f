import {
  type AgentConfig,
  type AgentTeam,
  type AgentTeamConfigInput,
  createAgentTeam,
  DEFAULT_AGENT_CONFIGS,
  type Reasoner,
  resolveTeamConfig,
} from '@ats/agents';
import type { AgentName } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { llmSettingsForAgent } from './agent-llm-settings';
import type { LlmCacheStore } from './cache/cache-store';
import { InMemoryLlmCacheStore } from './cache/in-memory-cache-store';
import { PrismaLlmCacheStore } from './cache/prisma-cache-store';
import { createLlmClient, type LlmClientDeps, type LlmSettings } from './create-llm-client';
import { type StructuredLlmClient, ZERO_USAGE_TOTALS } from './structured-llm-client';
import type { LlmUsageTotals } from './types';

/** The client an LLM reasoner holds (the agents' view of an LLM). */
type ReasonerClient = Extract<Reasoner, { kind: 'llm' }>['client'];

/** `offline` (rules only) or an LLM provider; a backtest's --llm flag picks it, services take LLM__PROVIDER. */
export type LlmProviderChoice = 'offline' | LlmSettings['provider'];

const TEAM_AGENTS = ['technical', 'sentiment', 'risk', 'portfolio'] as const satisfies readonly AgentName[];

export interface TeamReasoners {
  /** Each agent's reasoner: offline, or a client built from its LLM__<AGENT>__* settings (LLM__* otherwise). */
  readonly reasoners: Readonly<Record<AgentName, Reasoner>>;
  /** What each agent asks its model for (model, temperature, max tokens, timeout, retries). */
  readonly agents: Readonly<Record<AgentName, AgentConfig>>;
  /** Usage of all agents' clients together (zero offline). */
  usage(): LlmUsageTotals;
  /** Where answers are cached: `postgres`, `memory`, or `none` (offline or LLM__CACHE_MODE=off). */
  readonly cache: 'postgres' | 'memory' | 'none';
}

export interface TeamReasonerDeps {
  /** A migrated database: the answer cache goes to Postgres (reruns cost nothing); in memory otherwise. */
  readonly prisma?: PrismaClient;
  readonly client?: Omit<LlmClientDeps, 'prisma' | 'cacheStore'>;
  /** Wraps each agent's client (metering); gets the agent's provider and model labels. */
  readonly wrap?: (
    client: ReasonerClient,
    labels: { provider: string; model: string },
    /** The agent, or undefined for a reasoner shared by all. */
    agent: AgentName | undefined,
  ) => ReasonerClient;
}

/** What one agent asks its model for, from its LLM settings (the built-in model when none is configured). */
export function agentConfigFromLlm(agent: AgentName, llm: LlmSettings): AgentConfig {
  return {
    ...DEFAULT_AGENT_CONFIGS[agent],
    model: llm.model ?? DEFAULT_AGENT_CONFIGS[agent].model,
    temperature: llm.temperature,
    maxTokens: llm.maxTokens,
    timeoutMs: llm.timeoutMs,
    retryAttempts: llm.retryAttempts,
  };
}

/**
 * The team's reasoners from the LLM settings: per agent its own client (LLM__RISK__MODEL etc. over LLM__*), all
 * sharing one answer cache. `provider` overrides LLM__PROVIDER (a backtest's --llm flag). Used by the backtester
 * and the orchestrator's embedded team alike, so both honour the same settings.
 */
export async function buildTeamReasoners(
  provider: LlmProviderChoice,
  settings: LlmSettings,
  deps: TeamReasonerDeps = {},
): Promise<TeamReasoners> {
  const prisma = deps.prisma && (await hasCacheTable(deps.prisma)) ? deps.prisma : undefined;
  return teamReasonersWith(provider, settings, deps, prisma);
}

/** buildTeamReasoners without a database: answers cached in memory (what a process without Postgres can do). */
export function buildTeamReasonersInMemory(
  provider: LlmProviderChoice,
  settings: LlmSettings,
  deps: Omit<TeamReasonerDeps, 'prisma'> = {},
): TeamReasoners {
  return teamReasonersWith(provider, settings, deps, undefined);
}

function teamReasonersWith(
  provider: LlmProviderChoice,
  settings: LlmSettings,
  deps: TeamReasonerDeps,
  prisma: PrismaClient | undefined,
): TeamReasoners {
  const perAgent = (agent: AgentName) => llmSettingsForAgent({ ...settings, provider } as LlmSettings, agent);
  const agents = Object.fromEntries(
    TEAM_AGENTS.map((agent) => [agent, agentConfigFromLlm(agent, perAgent(agent))]),
  ) as Record<AgentName, AgentConfig>;
  if (provider === 'offline') {
    const offline: Reasoner = { kind: 'offline' };
    return {
      reasoners: { technical: offline, sentiment: offline, risk: offline, portfolio: offline },
      agents,
      usage: () => ZERO_USAGE_TOTALS,
      cache: 'none',
    };
  }
  // One cache for the team: an agent's answer is keyed by its own prompt, model and settings.
  const cacheStore = cacheStoreFor(prisma);
  const clients: StructuredLlmClient[] = [];
  const reasoners = Object.fromEntries(
    TEAM_AGENTS.map((agent) => {
      const built = llmReasoner(perAgent(agent), provider, cacheStore, deps, agent);
      clients.push(built.client);
      return [agent, built.reasoner];
    }),
  ) as Record<AgentName, Reasoner>;
  return {
    reasoners,
    agents,
    usage: () => clients.map((c) => c.usage()).reduce(addTotals, ZERO_USAGE_TOTALS),
    cache: cacheKind(settings, prisma),
  };
}

function llmReasoner(
  own: LlmSettings,
  provider: LlmSettings['provider'],
  cacheStore: LlmCacheStore,
  deps: TeamReasonerDeps,
  agent: AgentName | undefined,
): { client: StructuredLlmClient; reasoner: Reasoner } {
  const client = createLlmClient(own, { ...deps.client, cacheStore }) as StructuredLlmClient;
  const labels = { provider, model: own.model ?? provider };
  // Usage is read from the inner client; a wrapper (metering) only adds counters.
  return { client, reasoner: { kind: 'llm', client: deps.wrap ? deps.wrap(client, labels, agent) : client } };
}

const cacheStoreFor = (prisma: PrismaClient | undefined): LlmCacheStore =>
  prisma ? new PrismaLlmCacheStore(prisma) : new InMemoryLlmCacheStore();

const cacheKind = (settings: LlmSettings, prisma: PrismaClient | undefined): TeamReasoners['cache'] =>
  settings.cacheMode === 'off' ? 'none' : prisma ? 'postgres' : 'memory';

/**
 * The same reasoners with each LLM agent's client wrapped (a run's budget, the memorisation probe's anonymiser);
 * offline agents stay as they are. Usage and cache stay the wrapped clients'.
 */
export function wrapLlmClients(
  reasoners: TeamReasoners['reasoners'],
  wrap: (client: ReasonerClient, agent: AgentName) => ReasonerClient,
): TeamReasoners['reasoners'] {
  const wrapped = (agent: AgentName): Reasoner => {
    const reasoner = reasoners[agent];
    return reasoner.kind === 'llm' ? { kind: 'llm', client: wrap(reasoner.client, agent) } : reasoner;
  };
  return {
    technical: wrapped('technical'),
    sentiment: wrapped('sentiment'),
    risk: wrapped('risk'),
    portfolio: wrapped('portfolio'),
  };
}

/**
 * A team whose local agents each reason with their own reasoner and settings; `remote` agents (NATS proxies)
 * replace local ones where given.
 */
export function createReasoningTeam(
  config: AgentTeamConfigInput,
  team: Pick<TeamReasoners, 'reasoners' | 'agents'>,
): AgentTeam {
  const resolved = resolveTeamConfig({ ...config, agents: { ...team.agents, ...config.agents } });
  return createAgentTeam(resolved, { reasoners: team.reasoners });
}

function addTotals(a: LlmUsageTotals, b: LlmUsageTotals): LlmUsageTotals {
  const sum = { ...a };
  for (const key of Object.keys(ZERO_USAGE_TOTALS) as (keyof LlmUsageTotals)[]) sum[key] = a[key] + b[key];
  return sum;
}

/** A database without migrations has no cache table; every lookup would fail and degrade the agents. */
async function hasCacheTable(prisma: PrismaClient): Promise<boolean> {
  return prisma.llmCacheEntry.findFirst({ select: { key: true } }).then(
    () => true,
    () => false,
  );
}
