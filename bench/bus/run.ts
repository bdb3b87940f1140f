/**
 * Bus benchmark: the typed layer's cost on top of the transport (every message validated both ways).
 * Run: npm run bench:bus (NATS at NATS__URL when it answers, else a private one started for the run; loopback only).
 * Prints one JSON object. Counts are bounded so a run takes a few seconds; then the paper cycle benchmark
 * (bench/bus/cycle.ts, about a minute on a loaded machine) under `cycle` (BENCH_BUS_CYCLE=0 leaves it out).
 */
import { randomBytes } from 'node:crypto';
import { type Bus, connectBus, InProcessBroker, InProcessBus } from '@ats/bus';
import { Messages } from '@ats/contracts';
import { runCycleBench } from './cycle';

const NATS_URL = process.env.NATS__URL ?? 'nats://127.0.0.1:4222';
const PUBSUB_MESSAGES = 50_000;
const PUBLISH_WINDOW = 1000;
const REQUESTS = 10_000;
const REQUESTS_IN_FLIGHT = 500;
const DURABLE_MESSAGES = 10_000;
const DURABLE_IN_FLIGHT = 500;

const quote = { symbol: 'AAPL', price: 125.07, ts: '2023-01-03T21:00:00.000Z', provider: 'bench' };
const bar = (i: number) => ({
  symbol: 'AAPL',
  timeframe: '1d' as const,
  ts: new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString(),
  open: 100,
  high: 102,
  low: 99,
  close: 101,
  volume: 1_000_000,
  adjusted: true,
});

function perSecond(count: number, startedNs: bigint): number {
  return Math.round(count / (Number(process.hrtime.bigint() - startedNs) / 1e9));
}

/** `inFlight` 1 = await each publish (one socket write each on NATS); larger windows let the client batch writes. */
async function pubSub(publisher: Bus, subscriber: Bus, subject: string, inFlight: number): Promise<number> {
  let received = 0;
  let done: () => void = () => {};
  const allReceived = new Promise<void>((resolve) => {
    done = resolve;
  });
  const subscription = await subscriber.subscribe(subject, Messages.bar, () => {
    if (++received === PUBSUB_MESSAGES) done();
  });
  const bars = Array.from({ length: PUBSUB_MESSAGES }, (_, i) => bar(i));
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < PUBSUB_MESSAGES; sent += inFlight) {
    await Promise.all(
      bars
        .slice(sent, sent + inFlight)
        .map((b) => publisher.publish(subject, Messages.bar, b, { correlationId: 'bench' })),
    );
  }
  await allReceived;
  const rate = perSecond(PUBSUB_MESSAGES, started);
  await subscription.close();
  return rate;
}

async function requestReply(
  client: Bus,
  workers: Bus[],
  subject: string,
): Promise<{ rate: number; split: number[] }> {
  const served = workers.map(() => 0);
  await Promise.all(
    workers.map((worker, i) =>
      worker.serve(
        subject,
        Messages.quoteRequest,
        Messages.quote,
        () => {
          served[i] = (served[i] ?? 0) + 1;
          return quote;
        },
        { queue: 'bench-workers' },
      ),
    ),
  );
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < REQUESTS; sent += REQUESTS_IN_FLIGHT) {
    const replies = await Promise.all(
      Array.from({ length: Math.min(REQUESTS_IN_FLIGHT, REQUESTS - sent) }, () =>
        client.request(
          subject,
          Messages.quoteRequest,
          Messages.quote,
          { symbol: 'AAPL' },
          { timeoutMs: 10_000 },
        ),
      ),
    );
    if (!replies.every((reply) => reply.ok)) throw new Error('a benchmark request failed');
  }
  return { rate: perSecond(REQUESTS, started), split: served };
}

async function durablePublish(bus: Bus, prefix: string): Promise<number> {
  const stream = `BENCH_${prefix.toUpperCase()}`;
  await bus.ensureTopology({
    streams: [{ name: stream, subjects: [`${prefix}.bench.>`], storage: 'memory' }],
  });
  try {
    const started = process.hrtime.bigint();
    for (let sent = 0; sent < DURABLE_MESSAGES; sent += DURABLE_IN_FLIGHT) {
      await Promise.all(
        Array.from({ length: Math.min(DURABLE_IN_FLIGHT, DURABLE_MESSAGES - sent) }, (_, k) =>
          bus.publishDurable(`${prefix}.bench.bar`, Messages.bar, bar(sent + k), {
            messageId: `${prefix}-${sent + k}`,
          }),
        ),
      );
    }
    return perSecond(DURABLE_MESSAGES, started);
  } finally {
    await bus.deleteStream(stream);
  }
}

async function main(): Promise<void> {
  const prefix = `bench${randomBytes(3).toString('hex')}`;

  const broker = new InProcessBroker();
  const makeLocal = (i: number): Bus => new InProcessBus({ name: `bench-local-${i}`, broker });
  const local = [makeLocal(0), makeLocal(1), makeLocal(2), makeLocal(3)] as const;
  const [lp, ls, lw1, lw2] = local;
  const inProcessPubSub = await pubSub(lp, ls, `${prefix}.local.bar`, 1);
  const inProcessPubSubWindowed = await pubSub(lp, ls, `${prefix}.local.bar2`, PUBLISH_WINDOW);
  const inProcessRequests = await requestReply(lp, [lw1, lw2], `${prefix}.local.quote`);
  const inProcessDurable = await durablePublish(lp, `${prefix}local`);
  await Promise.all(local.map((bus) => bus.close()));

  const makeRemote = (i: number): Promise<Bus> => connectBus({ url: NATS_URL, name: `bench-nats-${i}` });
  const remote = await Promise.all([makeRemote(0), makeRemote(1), makeRemote(2), makeRemote(3)] as const);
  const [np, ns, nw1, nw2] = remote;
  const natsPubSub = await pubSub(np, ns, `${prefix}.nats.bar`, 1);
  const natsPubSubWindowed = await pubSub(np, ns, `${prefix}.nats.bar2`, PUBLISH_WINDOW);
  const natsRequests = await requestReply(np, [nw1, nw2], `${prefix}.nats.quote`);
  const natsDurable = await durablePublish(np, `${prefix}nats`);
  await Promise.all(remote.map((bus) => bus.close()));
  // Issue 13 goal 4: a paper cycle over NATS with the agents as services, beside the NATS round-trip floor.
  const cycle = process.env.BENCH_BUS_CYCLE === '0' ? undefined : await runCycleBench();

  console.log(
    JSON.stringify(
      {
        node: process.version,
        payload: 'Bar / QuoteRequest+Quote, validated on send and receive',
        inProcess: {
          publishSubscribeMsgPerSec: inProcessPubSub,
          publishSubscribeWindowedMsgPerSec: inProcessPubSubWindowed,
          requestReplyReqPerSec: inProcessRequests.rate,
          requestSplit: inProcessRequests.split,
          durablePublishMsgPerSec: inProcessDurable,
        },
        nats: {
          url: NATS_URL,
          publishSubscribeMsgPerSec: natsPubSub,
          publishSubscribeWindowedMsgPerSec: natsPubSubWindowed,
          requestReplyReqPerSec: natsRequests.rate,
          requestReplyWorkers: 2,
          requestSplit: natsRequests.split,
          jetStreamPublishMsgPerSec: natsDurable,
          jetStreamInFlight: DURABLE_IN_FLIGHT,
        },
        counts: {
          pubSub: PUBSUB_MESSAGES,
          publishWindow: PUBLISH_WINDOW,
          requests: REQUESTS,
          requestsInFlight: REQUESTS_IN_FLIGHT,
          durable: DURABLE_MESSAGES,
        },
        ...(cycle ? { cycle } : {}),
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
