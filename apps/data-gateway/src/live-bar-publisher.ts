import type { Bus } from '@ats/bus';
import { type Bar, type Clock, Messages, type Timeframe } from '@ats/contracts';
import { addDays, type MarketDataSource, tradingDateIn } from '@ats/market-data';
import type { Logger } from '@ats/observability';
import { type BarChannels, barMessageId } from './bar-channels';
import { barIsClosed } from './bar-timing';
import type { LastPublishedBar } from './stream-position';

export interface LiveBarPublisherOptions {
  readonly bus: Bus;
  readonly channels: BarChannels;
  /** Fresh bars: the failover chain itself, not the history cache (whose entries live an hour). */
  readonly source: Pick<MarketDataSource, 'getBars'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Calendar days of recent bars asked for on each poll. */
  readonly lookbackDays: number;
  /** Where the stream already is per subject (after a restart); nothing is assumed published when absent. */
  readonly lastPublished?: LastPublishedBar;
}

export interface PollSummary {
  readonly published: number;
  readonly duplicates: number;
  readonly failedSymbols: string[];
}

/**
 * Live/paper mode: on each poll fetches the latest bars of every symbol and publishes the closed ones that
 * came after the last published bar, to JetStream `md.bar.<tf>.<symbol>` with id symbol+tf+ts (de-duplicated).
 */
export class LiveBarPublisher {
  readonly #options: LiveBarPublisherOptions;
  /** Open time of the last bar published per symbol. */
  readonly #lastTs = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(options: LiveBarPublisherOptions) {
    this.#options = options;
  }

  async pollOnce(): Promise<PollSummary> {
    const { symbols, timeframe, clock, logger } = this.#options;
    let published = 0;
    let duplicates = 0;
    const failedSymbols: string[] = [];
    for (const symbol of symbols) {
      try {
        const outcome = await this.#publishNewBars(symbol, timeframe, clock.now().getTime());
        published += outcome.published;
        duplicates += outcome.duplicates;
      } catch (err) {
        // One symbol's outage must not hold back the others; it is retried on the next poll.
        failedSymbols.push(symbol);
        logger.warn({ err, symbol, timeframe }, 'live bars not published');
      }
    }
    return { published, duplicates, failedSymbols };
  }

  /** Polls now and then every `intervalMs` after the previous poll ended (polls never overlap). */
  start(intervalMs: number): void {
    const loop = async () => {
      this.#running = this.pollOnce().then((summary) =>
        this.#options.logger.info({ ...summary, symbols: this.#options.symbols.length }, 'live bars polled'),
      );
      await this.#running;
      if (!this.#stopped) this.#timer = setTimeout(loop, intervalMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #publishNewBars(symbol: string, timeframe: Timeframe, nowMs: number) {
    const { bus, channels, source, lookbackDays, lastPublished } = this.#options;
    const subject = channels.bar(timeframe, symbol);
    if (!this.#lastTs.has(symbol) && lastPublished) {
      const ts = await lastPublished(subject);
      if (ts) this.#lastTs.set(symbol, ts);
    }
    const today = tradingDateIn(nowMs, 'UTC');
    const served = await source.getBars({
      symbol,
      timeframe,
      from: addDays(today, -lookbackDays),
      to: today,
    });
    const after = this.#lastTs.get(symbol);
    const fresh: Bar[] = served.bars.filter(
      (bar) => barIsClosed(bar, nowMs) && (after === undefined || bar.ts > after),
    );
    let published = 0;
    let duplicates = 0;
    for (const bar of fresh) {
      const ack = await bus.publishDurable(subject, Messages.bar, bar, { messageId: barMessageId(bar) });
      if (ack.duplicate) duplicates += 1;
      else published += 1;
      this.#lastTs.set(symbol, bar.ts);
    }
    return { published, duplicates };
  }
}
