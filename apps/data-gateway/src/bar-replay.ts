import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Bus } from '@ats/bus';
import { type Bar, Messages, type Timeframe } from '@ats/contracts';
import type { MarketDataSource } from '@ats/market-data';
import type { Logger } from '@ats/observability';
import { type BarChannels, barMessageId } from './bar-channels';
import { inMarketTimeOrder } from './bar-timing';
import type { ReplaySpeed } from './cli-args';

/** Publishes in flight at once when replaying as fast as possible (order is kept: one connection, FIFO). */
const MAX_IN_FLIGHT = 256;

export interface BarReplayOptions {
  readonly bus: Bus;
  readonly channels: BarChannels;
  /** Stored history: the cached chain reads Postgres (L3) when it holds the range, else the providers. */
  readonly source: Pick<MarketDataSource, 'getBars'>;
  readonly logger: Logger;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Inclusive trading dates. */
  readonly from: string;
  readonly to: string;
  readonly speed: ReplaySpeed;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Checked between bars (Ctrl-C). */
  readonly stopRequested?: () => boolean;
}

export interface ReplaySummary {
  readonly bars: number;
  readonly published: number;
  readonly duplicates: number;
  readonly firstTs: string | undefined;
  readonly lastTs: string | undefined;
  readonly stoppedEarly: boolean;
}

/**
 * Replay mode: publishes the stored bars of every symbol between two dates to the MARKET_DATA stream in market
 * time order. At speed N the wait between two bar times is their market-time gap / N; `max` does not wait.
 */
export async function replayBars(options: BarReplayOptions): Promise<ReplaySummary> {
  const { bus, channels, source, logger, timeframe, from, to, speed } = options;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  await bus.ensureTopology({ streams: [channels.stream] });
  const perSymbol = await Promise.all(
    options.symbols.map(async (symbol) => (await source.getBars({ symbol, timeframe, from, to })).bars),
  );
  const bars = inMarketTimeOrder(perSymbol.flat());
  logger.info({ bars: bars.length, symbols: options.symbols, from, to, speed }, 'replay starting');

  let published = 0;
  let duplicates = 0;
  let sent = 0;
  const count = (ack: { duplicate: boolean }) => {
    if (ack.duplicate) duplicates += 1;
    else published += 1;
  };
  const publish = (bar: Bar) =>
    bus.publishDurable(channels.bar(bar.timeframe, bar.symbol), Messages.bar, bar, {
      messageId: barMessageId(bar),
    });

  let inFlight: Promise<void>[] = [];
  let previousTs: string | undefined;
  for (const bar of bars) {
    if (options.stopRequested?.()) break;
    if (speed !== 'max' && previousTs !== undefined && bar.ts !== previousTs) {
      await sleep((Date.parse(bar.ts) - Date.parse(previousTs)) / speed);
    }
    previousTs = bar.ts;
    inFlight.push(publish(bar).then(count));
    sent += 1;
    if (speed !== 'max' || inFlight.length >= MAX_IN_FLIGHT) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  const summary: ReplaySummary = {
    bars: bars.length,
    published,
    duplicates,
    firstTs: bars[0]?.ts,
    lastTs: bars[sent - 1]?.ts,
    stoppedEarly: sent < bars.length,
  };
  logger.info(summary, 'replay finished');
  return summary;
}
