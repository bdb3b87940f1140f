import type { NatsBus } from '@ats/bus';
import type { Clock } from '@ats/contracts';
import type { MarketDataSource } from '@ats/market-data';
import type { Logger } from '@ats/observability';
import { barChannels } from './bar-channels';
import { replayBars } from './bar-replay';
import type { GatewayArgs } from './cli-args';
import type { GatewaySettings } from './gateway-settings';
import { LiveBarPublisher } from './live-bar-publisher';
import { lastBarInStream } from './stream-position';

export interface PublishingDeps {
  readonly bus: NatsBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: GatewaySettings;
  /** Symbols when the command line names none (TRADING__SYMBOLS). */
  readonly defaultSymbols: readonly string[];
  /** Fresh provider data (live polling). */
  readonly providers: Pick<MarketDataSource, 'getBars'>;
  /** Stored history through the caches (replay). */
  readonly history: Pick<MarketDataSource, 'getBars'>;
}

export interface RunningPublisher {
  /** Settles when a replay has published everything (never for live; at once for serve). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** Starts what the mode publishes besides request/reply: nothing (serve), live bars, or a replay. */
export async function startPublishing(args: GatewayArgs, deps: PublishingDeps): Promise<RunningPublisher> {
  const { bus, logger, settings } = deps;
  const channels = barChannels(args.namespace);
  if (args.mode === 'serve') return { done: Promise.resolve(), stop: async () => {} };
  const symbols = args.symbols ?? [...deps.defaultSymbols];
  if (args.mode === 'live') {
    await bus.ensureTopology({ streams: [channels.stream] });
    const publisher = new LiveBarPublisher({
      bus,
      channels,
      source: deps.providers,
      clock: deps.clock,
      logger,
      symbols,
      timeframe: args.timeframe,
      lookbackDays: settings.publishLookbackDays,
      lastPublished: lastBarInStream(bus.connection, channels.stream.name),
    });
    publisher.start(settings.publishIntervalMs);
    logger.info({ symbols, intervalMs: settings.publishIntervalMs }, 'publishing live bars');
    return { done: new Promise(() => {}), stop: () => publisher.stop() };
  }
  let stopRequested = false;
  const done = replayBars({
    bus,
    channels,
    source: deps.history,
    logger,
    symbols,
    timeframe: args.timeframe,
    from: args.from,
    to: args.to,
    speed: args.speed,
    stopRequested: () => stopRequested,
  }).then(() => undefined);
  return {
    done,
    async stop() {
      stopRequested = true;
      await done.catch(() => undefined);
    },
  };
}
