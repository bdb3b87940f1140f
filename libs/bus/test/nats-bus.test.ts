import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, connectBus } from '../src/index';
import { fromNatsHeaders, toNatsHeaders } from '../src/nats/headers';
import { busContractSuite } from './bus-contract-suite';
import { type BusHarness, Job, requestTimeoutMs, uniqueRunId, waitFor } from './harness';

const NATS_URL = process.env.NATS__URL ?? 'nats://127.0.0.1:4222';

async function natsHarness(): Promise<BusHarness> {
  const runId = uniqueRunId();
  const streamPrefix = `T_${runId.toUpperCase()}`;
  const raw: NatsConnection = await connect({ servers: NATS_URL, name: 'bus-test-raw' });
  const buses: Bus[] = [];
  const decoder = new TextDecoder();
  return {
    prefix: runId,
    streamPrefix,
    async createBus(name, options) {
      const bus = await connectBus({ url: NATS_URL, name, ...options });
      buses.push(bus);
      return bus;
    },
    async publishRaw(subject, body, headers) {
      raw.publish(subject, body, { headers: toNatsHeaders(headers) });
      await raw.flush();
    },
    async requestRaw(subject, body, headers) {
      const reply = await raw.request(subject, body, {
        timeout: requestTimeoutMs(),
        headers: toNatsHeaders(headers),
      });
      return decoder.decode(reply.data);
    },
    async collect(subject) {
      const messages: { subject: string; body: string; headers: Record<string, string> }[] = [];
      const subscription = raw.subscribe(subject, {
        callback: (_error, message: Msg) => {
          messages.push({
            subject: message.subject,
            body: decoder.decode(message.data),
            headers: fromNatsHeaders(message.headers),
          });
        },
      });
      await raw.flush();
      return { messages, close: async () => subscription.unsubscribe() };
    },
    async teardown() {
      await Promise.all(buses.map((bus) => bus.close().catch(() => {})));
      // Delete whatever this run left behind (streams are named after the run id).
      const jsm = await jetstreamManager(raw);
      for await (const name of jsm.streams.names()) {
        if (name.startsWith(streamPrefix)) await jsm.streams.delete(name);
      }
      await raw.drain();
    },
  };
}

busContractSuite('NatsBus', natsHarness);

describe('NatsBus: server-side checks', () => {
  let h: BusHarness;
  let bus: Bus;
  let raw: NatsConnection;
  beforeAll(async () => {
    h = await natsHarness();
    bus = await h.createBus('server-checks');
    raw = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    await h.teardown();
    await raw.drain();
  });

  it('running the topology twice leaves one stream and one consumer on the server', async () => {
    const stream = `${h.streamPrefix}_TWICE`;
    const topology = {
      streams: [{ name: stream, subjects: [`${h.prefix}.twice.>`] }],
      consumers: [
        { stream, durable: 'w1', filterSubject: `${h.prefix}.twice.a` },
        { stream, durable: 'w2' },
      ],
    };
    await bus.ensureTopology(topology);
    await bus.ensureTopology(topology);
    const jsm = await jetstreamManager(raw);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(stream)) names.push(name);
    expect(names).toEqual([stream]);
    const consumers: string[] = [];
    for await (const info of jsm.consumers.list(stream)) consumers.push(info.name);
    expect(consumers.sort()).toEqual(['w1', 'w2']);
    const info = await jsm.consumers.info(stream, 'w1');
    expect(info.config.ack_policy).toBe('explicit');
    expect(info.config.filter_subject).toBe(`${h.prefix}.twice.a`);
  });

  it('closes by draining: a message published just before close is still sent', async () => {
    const subject = `${h.prefix}.drain`;
    const received: string[] = [];
    const subscription = raw.subscribe(subject, { callback: (_e, m) => void received.push(m.subject) });
    await raw.flush();
    const closing = await h.createBus('closing');
    await closing.publish(subject, Job, { jobId: 'last-words' });
    await closing.close();
    await waitFor(() => received.length > 0, undefined, 'the message sent before close');
    await raw.flush();
    expect(received).toEqual([subject]);
    subscription.unsubscribe();
  });
});
