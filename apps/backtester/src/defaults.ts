import type { AgentName } from '@ats/contracts';

/**
 * Names and defaults that the flags and every mode share, apart from the modules that load the bus proxies, Prisma
 * or pino: reading them costs a backtest nothing it does not use.
 */

/** The backtester's service name (logs, NATS connection name, metrics). */
export const SERVICE = 'backtester';

/**
 * By default the analysts and the risk manager run as services; the portfolio manager stays in the backtester
 * because it carries this backtest's consensus weights (and the attribution runs' ablated ones), which the
 * analyze request does not carry: a remote portfolio manager uses the weights its own service was started with.
 */
export const DEFAULT_REMOTE_AGENTS: readonly AgentName[] = ['technical', 'sentiment', 'risk'];
