import type { NatsBus } from '@ats/bus';
import { type Bar, ManualClock } from '@ats/contracts';
import { FailoverMarketData, LocalCsvProvider } from '@ats/market-data';
import { uniqueName } from '@ats/tool-testing';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BarChannels, barChannels } from '../src/bar-channels';
import { replayBars } from '../src/bar-replay';
import { LiveBarPublisher } from '../src/live-bar-publisher';
import { lastBarInStream } from '../src/stream-position';
import { connectTestBus, logger } from './harness';

let bus: NatsBus;
const streams: string[] = [];

beforeAll(async () => {
  bus = await connectTestBus('data-gateway-publisher');
});
afterAll(async () => {
  for (const stream of streams) await bus.deleteStream(stream);
  await bus?.close();
});

function channels(): BarChannels {
  const c = barChannels(uniqueName('dgbars'));
  streams.push(c.stream.name);
  return c;
}

/** Everything in the stream, in stream order, as a consumer sees it. */
async function readStream(stream: string): Promise<{ subject: string; bar: Bar }[]> {
  const js = jetstream(bus.connection);
  const info = await (await js.jetstreamManager()).streams.info(stream);
  const total = info.state.messages;
  const consumer = await js.consumers.get(stream);
  const out: { subject: string; bar: Bar }[] = [];
  while (out.length < total) {
    const batch = await consumer.fetch({ max_messages: total - out.length, expires: 2_000 });
    for await (const message of batch) out.push({ subject: message.subject, bar: message.json<Bar>() });
  }
  return out;
}

const bundled = new LocalCsvProvider();
const bundledSource = (clock = new ManualClock('2024-01-02T00:00:00Z')) =>
  new FailoverMarketData({ providers: [new LocalCsvProvider({ clock })], clock });

describe('replay', () => {
  it('publishes the stored bars of every symbol in market-time order, once', async () => {
    const c = channels();
    const options = {
      bus,
      channels: c,
      source: bundledSource(),
      logger,
      symbols: ['MSFT', 'AAPL'],
      timeframe: '1d' as const,
      from: '2023-01-01',
      to: '2023-01-31',
      speed: 'max' as const,
    };
    const summary = await replayBars(options);
    // January 2023: 20 sessions.
    expect(summary).toEqual({
      bars: 40,
      published: 40,
      duplicates: 0,
      firstTs: '2023-01-03T00:00:00.000Z',
      lastTs: '2023-01-31T00:00:00.000Z',
      stoppedEarly: false,
    });

    const seen = await readStream(c.stream.name);
    const aapl = await bundled.loadBars('AAPL', { from: '2023-01-01', to: '2023-01-31' });
    const msft = await bundled.loadBars('MSFT', { from: '2023-01-01', to: '2023-01-31' });
    const expected = aapl.flatMap((bar, i) => [bar, msft[i] as Bar]);
    expect(seen.map((m) => m.bar)).toEqual(expected);
    expect(seen[0]?.subject).toBe(c.bar('1d', 'AAPL'));
    expect(seen[1]?.subject).toBe(c.bar('1d', 'MSFT'));

    // Run again within the duplicate window: JetStream drops every bar by its id.
    expect(await replayBars(options)).toMatchObject({ published: 0, duplicates: 40 });
  });

  it('waits market-time gaps divided by the speed between bar times', async () => {
    const waits: number[] = [];
    const summary = await replayBars({
      bus,
      channels: channels(),
      source: bundledSource(),
      logger,
      symbols: ['AAPL'],
      timeframe: '1d',
      from: '2023-01-03',
      to: '2023-01-10',
      // One trading day per second.
      speed: 86_400,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(summary.published).toBe(6);
    // Tue→Wed→Thu→Fri, the weekend, Mon→Tue.
    expect(waits).toEqual([1_000, 1_000, 1_000, 3_000, 1_000]);
  });
});

describe('live publishing', () => {
  it('publishes only closed bars not yet in the stream, and resumes after the last one on restart', async () => {
    const c = channels();
    await bus.ensureTopology({ streams: [c.stream] });
    const clock = new ManualClock('2023-01-10T15:00:00Z');
    const publisher = (lastPublished?: ReturnType<typeof lastBarInStream>) =>
      new LiveBarPublisher({
        bus,
        channels: c,
        source: bundledSource(clock),
        clock,
        logger,
        symbols: ['AAPL'],
        timeframe: '1d',
        lookbackDays: 10,
        ...(lastPublished ? { lastPublished } : {}),
      });

    const live = publisher();
    // Tuesday 10:00 New York: Jan 3-6 and Monday 9 are closed; Tuesday's bar is still forming.
    expect(await live.pollOnce()).toEqual({ published: 5, duplicates: 0, failedSymbols: [] });
    expect(await live.pollOnce()).toEqual({ published: 0, duplicates: 0, failedSymbols: [] });
    clock.set('2023-01-11T15:00:00Z');
    expect(await live.pollOnce()).toEqual({ published: 1, duplicates: 0, failedSymbols: [] });

    const restarted = publisher(lastBarInStream(bus.connection, c.stream.name));
    expect(await restarted.pollOnce()).toEqual({ published: 0, duplicates: 0, failedSymbols: [] });

    const seen = await readStream(c.stream.name);
    expect(seen.map((m) => m.bar.ts.slice(0, 10))).toEqual([
      '2023-01-03',
      '2023-01-04',
      '2023-01-05',
      '2023-01-06',
      '2023-01-09',
      '2023-01-10',
    ]);
  });

  it('keeps publishing the other symbols when one fails', async () => {
    const c = channels();
    await bus.ensureTopology({ streams: [c.stream] });
    const clock = new ManualClock('2023-01-10T15:00:00Z');
    const live = new LiveBarPublisher({
      bus,
      channels: c,
      source: bundledSource(clock),
      clock,
      logger,
      symbols: ['ZZZZ', 'MSFT'],
      timeframe: '1d',
      lookbackDays: 3,
    });
    // Saturday 7th to Tuesday 10th: only Monday's bar is closed.
    expect(await live.pollOnce()).toEqual({ published: 1, duplicates: 0, failedSymbols: ['ZZZZ'] });
  });
});
