import type { Bus, connectBus } from '@ats/bus';
import type { Clock } from '@ats/contracts';
import type { DataFolderSettings } from './daily-bar-store';
import { DataGatewayClient } from './data-gateway-client';
import { type DataGatewaySubjects, dataGatewaySubjects } from './gateway-subjects';
import { inProcessMarketData } from './in-process-market-data';
import type { EvidenceSource, MarketDataPort } from './market-data-port';
import type { PortLogger } from './port-reads';

/** DATA__MODE: embedded reads in this process (no servers); distributed asks the data gateway over NATS. */
export type MarketDataMode = 'embedded' | 'distributed';

/** The part of `loadConfig()` the port needs. */
export interface MarketDataPortConfig {
  readonly data: DataFolderSettings & {
    readonly mode: MarketDataMode;
    /** DATA__PUBLISH_INTERVAL_MS: how often new bars are looked for, by the gateway or (embedded) by the port. */
    readonly gateway?: { readonly publishIntervalMs: number };
  };
  readonly nats: {
    readonly url: string;
    readonly user?: string | undefined;
    readonly password?: string | undefined;
  };
}

export interface MarketDataPortDeps<C extends MarketDataPortConfig> {
  /** A connected bus for distributed mode; without one the port connects its own (and closes it). */
  readonly bus?: Bus;
  /**
   * Builds the evidence source in embedded mode (@ats/evidence's `evidenceSourceFromConfig`); called only in that
   * mode, since in distributed mode the gateway owns the evidence providers. Absent: evidence is "unavailable".
   */
  readonly evidence?: (config: C) => EvidenceSource;
  /** Subject namespace of the data gateway (tests, side-by-side stacks). */
  readonly namespace?: string;
  readonly clock?: Clock;
  readonly logger?: PortLogger & Parameters<typeof connectBus>[0]['logger'];
  /** Embedded live mode: how often new bars are looked for (default DATA__PUBLISH_INTERVAL_MS). */
  readonly pollIntervalMs?: number;
  readonly timeoutMs?: number;
  /** Name of the bus connection the port opens (distributed mode, no `bus`). */
  readonly connectionName?: string;
}

/**
 * The market-data port every trading path uses, chosen by DATA__MODE. The only place besides the data gateway
 * where providers and stores are built; apps call this and never construct a provider themselves.
 */
export async function openMarketDataPort<C extends MarketDataPortConfig>(
  config: C,
  deps: MarketDataPortDeps<C> = {},
): Promise<MarketDataPort> {
  const clock = deps.clock ? { clock: deps.clock } : {};
  const logger = deps.logger ? { logger: deps.logger } : {};
  if (config.data.mode === 'embedded') {
    return inProcessMarketData(config.data, {
      ...clock,
      ...logger,
      ...(deps.evidence ? { evidence: deps.evidence(config) } : {}),
      ...pollInterval(deps.pollIntervalMs ?? config.data.gateway?.publishIntervalMs),
    });
  }
  const subjects: DataGatewaySubjects = dataGatewaySubjects(deps.namespace);
  // @ats/bus is imported here, so that an embedded port (a backtest on the data folder) loads no NATS client.
  const ownBus = deps.bus
    ? undefined
    : await (await import('@ats/bus')).connectBus({
        ...config.nats,
        name: deps.connectionName ?? 'market-data-port',
        ...logger,
      });
  return new DataGatewayClient({
    bus: deps.bus ?? (ownBus as Bus),
    ownsBus: ownBus !== undefined,
    subjects,
    ...clock,
    ...logger,
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
  });
}

function pollInterval(ms: number | undefined): { pollIntervalMs?: number } {
  return ms === undefined ? {} : { pollIntervalMs: ms };
}
