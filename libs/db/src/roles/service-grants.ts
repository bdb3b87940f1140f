/**
 * Which tables each service may touch, and how: derived from the Prisma calls in its code (see the ADR
 * docs/adr/0018-postgres-roles-per-service.md). SELECT comes with every write because Prisma's create and update
 * read the row back (INSERT ... RETURNING). A service absent here gets no Postgres role, so no database access.
 */
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** Table (as mapped in schema.prisma) -> privileges. */
export type TableGrants = Readonly<Record<string, readonly TablePrivilege[]>>;

const READ = ['SELECT'] as const;
const APPEND = ['SELECT', 'INSERT'] as const;
const WRITE = ['SELECT', 'INSERT', 'UPDATE'] as const;

/** An agent records its decisions (audit and replay) and caches LLM answers. */
const AGENT: TableGrants = { decisions: APPEND, llm_cache_entries: WRITE };

export const SERVICE_GRANTS: Readonly<Record<string, TableGrants>> = {
  // libs/market-data prisma-stores: the bar store and provider-call accounting (also the backfill CLI).
  'data-gateway': { bars: APPEND, provider_calls: APPEND },
  // libs/agent-rpc PrismaDecisionSink and libs/llm PrismaLlmCacheStore.
  'technical-agent': AGENT,
  'sentiment-agent': AGENT,
  'risk-manager': AGENT,
  'portfolio-manager': AGENT,
  // libs/trading-state PrismaTradingStore: runs, the paper book (orders, fills, cash, positions, snapshots) and
  // the cycle's decisions (a re-run cycle replaces them: DELETE).
  orchestrator: {
    runs: WRITE,
    decisions: ['SELECT', 'INSERT', 'DELETE'],
    orders: WRITE,
    fills: APPEND,
    portfolios: WRITE,
    positions: WRITE,
    portfolio_snapshots: APPEND,
  },
  // apps/api-gateway: the read model, backtest submissions (a run row), API keys and the audit trail.
  'api-gateway': {
    runs: WRITE,
    decisions: READ,
    orders: READ,
    fills: READ,
    portfolios: READ,
    positions: READ,
    portfolio_snapshots: READ,
    backtest_results: READ,
    api_keys: WRITE,
    audit_events: APPEND,
  },
  // apps/backtester: its runs and results (store, sweep queue, worker) and the LLM cache of multi-agent runs.
  backtester: { runs: WRITE, backtest_results: APPEND, llm_cache_entries: WRITE },
};

/** Prisma's migration bookkeeping: every service may read it, so "deploy if needed" sees an up-to-date schema. */
export const MIGRATIONS_TABLE = '_prisma_migrations';

/** The login role of a service: `ats_` + its name in snake case (`technical-agent` -> `ats_technical_agent`). */
export function serviceRoleName(service: string): string {
  return `ats_${service.replaceAll('-', '_')}`;
}

/** The environment variable holding a service role's password (`POSTGRES_PASSWORD_TECHNICAL_AGENT`). */
export function servicePasswordVariable(service: string): string {
  return `POSTGRES_PASSWORD_${service.replaceAll('-', '_').toUpperCase()}`;
}
