import { randomBytes } from 'node:crypto';
import type { Bus, NatsBus } from '@ats/bus';
import { type Bar, Messages, systemClock } from '@ats/contracts';
import {
  DataGatewayClient,
  dataGatewaySubjects,
  FailoverMarketData,
  YahooChartProvider,
} from '@ats/market-data';
import { eventually, type FakeYahooLive, startFakeYahooLive, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barChannels } from '../src/bar-channels';
import { LiveBarPublisher } from '../src/live-bar-publisher';
import { connectTestBus, logger } from './harness';

/**
 * A link that loses core messages while `down` (as a connection that is reconnecting does): the client, NATS, the
 * stream and the publisher are real; only deliveries to the client's subscriptions are dropped meanwhile.
 */
function lossyLink(bus: NatsBus): { bus: Bus; setDown(down: boolean): void; dropped(): number } {
  let down = false;
  let dropped = 0;
  const link = new Proxy(bus, {
    get(target, property) {
      if (property === 'subscribe') {
        const subscribe: Bus['subscribe'] = (subject, type, handler, options) =>
          target.subscribe(
            subject,
            type,
            (message) => {
              if (!down) return handler(message);
              dropped += 1;
            },
            options,
          );
        return subscribe;
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { bus: link, setDown: (value) => (down = value), dropped: () => dropped };
}

describe('the data gateway client re-reads the stream for bars its connection missed', () => {
  const symbols = [`LE${randomBytes(3).toString('hex').toUpperCase()}`];
  const namespace = uniqueName('dgcatchup');
  const channels = barChannels(namespace);
  let yahoo: FakeYahooLive;
  let gatewayBus: NatsBus;
  let clientBus: NatsBus;
  let publisher: LiveBarPublisher;

  beforeAll(async () => {
    yahoo = await startFakeYahooLive({ symbols, liveSessions: 3 });
    gatewayBus = await connectTestBus('catch-up-gateway');
    clientBus = await connectTestBus('catch-up-client');
    await gatewayBus.ensureTopology({ streams: [channels.stream] });
    // The gateway's live publisher on the provider chain, as `--mode=live` runs it.
    publisher = new LiveBarPublisher({
      bus: gatewayBus,
      channels,
      source: new FailoverMarketData({
        providers: [new YahooChartProvider({ baseUrl: yahoo.baseUrl })],
        clock: systemClock,
      }),
      clock: systemClock,
      logger,
      symbols,
      timeframe: '1d',
      lookbackDays: 20,
    });
    publisher.start(200);
  });
  afterAll(async () => {
    await publisher?.stop();
    await gatewayBus?.deleteStream(channels.stream.name);
    await gatewayBus?.close();
    await clientBus?.close();
    await yahoo?.close();
  });

  it('delivers a bar published while core messages were lost, once, at the next catch-up', async () => {
    const link = lossyLink(clientBus);
    const client = new DataGatewayClient({
      bus: link.bus,
      subjects: dataGatewaySubjects(namespace),
      catchUpIntervalMs: 300,
      logger,
    });
    const after = { [symbols[0] as string]: `${yahoo.lastVisible()}T00:00:00.000Z` };
    const seen: Bar[] = [];
    const subscription = await client.subscribeBars({ symbols, timeframe: '1d', after }, (bar) => {
      seen.push(bar);
    });
    try {
      link.setDown(true);
      const missed = yahoo.revealNext() as string;
      const subject = channels.bar('1d', symbols[0] as string);
      // The gateway has published it (it is in the stream) and the client's live delivery dropped it.
      await eventually(
        async () => {
          const stored = await gatewayBus.history(subject, Messages.bar, {
            stream: channels.stream.name,
            from: new Date(Date.now() - 3_600_000),
            to: new Date(Date.now() + 60_000),
          });
          return stored.some((m) => m.data.ts.startsWith(missed)) && link.dropped() > 0 ? true : undefined;
        },
        { what: `the ${missed} bar published and dropped on the way` },
      );
      link.setDown(false);
      await eventually(async () => (seen.length > 0 ? true : undefined), { what: 'the missed bar' });
      // And a bar after it still comes live, each exactly once.
      const next = yahoo.revealNext() as string;
      await eventually(async () => (seen.length > 1 ? true : undefined), { what: `the ${next} bar` });
      expect(seen.map((b) => b.ts.slice(0, 10))).toEqual([missed, next]);
    } finally {
      await subscription.close();
      await client.close();
    }
  });
});
