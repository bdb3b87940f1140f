import { type Bus, NatsBus } from '@ats/bus';
import { defineMessage, Messages, QueueGroups, Streams, Subjects } from '@ats/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AuthNats, startAuthNats } from './private-nats';
import { ADMIN_USER, MARKET_DATA_CACHE_BUCKET, type ServiceName } from './topology';

const Note = defineMessage('test.note', 1, z.object({ text: z.string() }));
/**
 * How long a test waits for something that must happen (a reply, the server's -ERR for a forbidden publish): a
 * deadline, generous for busy cores and stretched by ATS_TEST_TIME_SCALE (read here: this tool sits below
 * @ats/tool-testing in the graph).
 */
const WAIT_MS = Math.round(30_000 * Math.max(1, Number(process.env.ATS_TEST_TIME_SCALE) || 1));
/**
 * How long a forbidden JetStream/KV request is given: the server drops it silently, so it fails by timing out.
 * Short on purpose; it rejects whatever the machine's load, since it never gets an answer.
 */
const DENIED_WAIT_MS = 2_000;

let nats: AuthNats;
const connections: NatsConnection[] = [];
const buses: Bus[] = [];

async function connectAs(user: ServiceName | typeof ADMIN_USER): Promise<NatsConnection> {
  const nc = await connect({ servers: nats.url, user, pass: nats.passwords.get(user), name: user });
  connections.push(nc);
  return nc;
}

async function busAs(user: ServiceName): Promise<Bus> {
  const bus = new NatsBus(await connectAs(user), { name: user });
  buses.push(bus);
  return bus;
}

/** The server answers a forbidden publish with an async -ERR; the client reports it on its status stream. */
async function publishViolation(nc: NatsConnection, subject: string): Promise<string | undefined> {
  const seen = (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error') return String(status.error);
    }
    return undefined;
  })();
  nc.publish(subject, 'x');
  await nc.flush();
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), WAIT_MS));
  return Promise.race([seen, timeout]);
}

beforeAll(async () => {
  nats = await startAuthNats();
});

afterAll(async () => {
  for (const bus of buses) await bus.close().catch(() => undefined);
  for (const nc of connections) if (!nc.isClosed()) await nc.close();
  await nats?.stop();
});

describe('generated NATS permissions on a real nats-server', () => {
  it('refuses a wrong password', async () => {
    await expect(
      connect({ servers: nats.url, user: 'technical-agent', pass: 'not-the-password' }),
    ).rejects.toThrow(/Authorization Violation/);
  });

  it('lets a service publish its own subjects and refuses another service’s', async () => {
    const orchestrator = await connectAs('orchestrator');
    const heartbeats = orchestrator.subscribe(Subjects.allHeartbeats, { max: 1 });
    await orchestrator.flush();
    const agent = await connectAs('technical-agent');
    agent.publish(Subjects.heartbeat('technical-agent'), 'alive');
    for await (const message of heartbeats) expect(message.subject).toBe('heartbeat.technical-agent');

    // An agent must not place orders, pose as another agent or as the data feed.
    for (const forbidden of [
      Subjects.orderSubmit('AAPL'),
      Subjects.decision('sentiment', 'AAPL'),
      Subjects.heartbeat('risk-manager'),
      Subjects.bar('1d', 'AAPL'),
    ]) {
      const other = await connectAs('technical-agent');
      expect(await publishViolation(other, forbidden)).toMatch(
        new RegExp(`Permissions Violation for Publish to "${forbidden.replace(/\./g, '\\.')}"`),
      );
    }
  });

  it('refuses subscriptions outside the allow list', async () => {
    const agent = await connectAs('technical-agent');
    const sneaky = agent.subscribe(Subjects.allOrders);
    await agent.flush();
    await expect(sneaky.closed).resolves.toMatchObject({
      message: expect.stringMatching(/Permissions Violation for Subscription to "order\.>"/),
    });
  });

  it('serves request/reply through _INBOX, and a server replies only to requests it received', async () => {
    // The subject's own contract (the bus refuses other message types on md.history.get).
    const gateway = await busAs('data-gateway');
    await gateway.serve(
      Subjects.historyRequest,
      Messages.historyRequest,
      Messages.historyResponse,
      (request) => ({
        symbol: request.data.symbol,
        timeframe: request.data.timeframe,
        provider: 'permissions-test',
        bars: [],
        droppedRows: 0,
      }),
      { queue: QueueGroups.dataGateway },
    );
    const api = await busAs('api-gateway');
    const reply = await api.request(
      Subjects.historyRequest,
      Messages.historyRequest,
      Messages.historyResponse,
      { symbol: 'AAPL', timeframe: '1d', from: '2023-01-03', to: '2023-01-03' },
      { timeoutMs: WAIT_MS },
    );
    expect(reply).toEqual({
      ok: true,
      data: { symbol: 'AAPL', timeframe: '1d', provider: 'permissions-test', bars: [], droppedRows: 0 },
    });

    // allow_responses, not a blanket _INBOX.> publish: the gateway cannot write into anyone's inbox unasked.
    const raw = await connectAs('data-gateway');
    expect(await publishViolation(raw, '_INBOX.someone-else.1')).toMatch(/Permissions Violation for Publish/);
  });

  it('lets owners manage their streams, producers publish durably, consumers and readers read', async () => {
    const orchestrator = await busAs('orchestrator');
    await orchestrator.ensureTopology({ streams: [Streams.cycles] });
    const from = new Date(Date.now() - 1_000);
    const stored = await orchestrator.publishDurable(
      Subjects.cycleEvent('started'),
      Note,
      { text: 'cycle 1' },
      { messageId: 'cycle-1-started' },
    );
    expect(stored.seq).toBe(1);

    const api = await busAs('api-gateway');
    const history = await api.history(Subjects.cycleEvent('started'), Note, {
      stream: Streams.cycles.name,
      from,
      to: new Date(Date.now() + 60_000),
    });
    expect(history.map((m) => m.data.text)).toEqual(['cycle 1']);

    const backtester = await busAs('backtester');
    await backtester.ensureTopology({
      streams: [Streams.backtestJobs],
      consumers: [{ stream: Streams.backtestJobs.name, durable: 'backtester' }],
    });
    await api.publishDurable(Subjects.backtestJob, Note, { text: 'job 7' }, { messageId: 'job-7' });
    const received = new Promise<string>((resolve) => {
      void backtester.consume(
        Streams.backtestJobs.name,
        'backtester',
        Note,
        (message) => resolve(message.data.text),
        { maxDeliver: 3, backoffMs: [100] },
      );
    });
    expect(await received).toBe('job 7');
  });

  it('keeps the JetStream API narrow: no stream deletion, no foreign streams or consumers', async () => {
    const agent = await connectAs('technical-agent');
    const jsm = await jetstreamManager(agent, { timeout: DENIED_WAIT_MS });
    await expect(jsm.streams.delete(Streams.cycles.name)).rejects.toThrow();
    await expect(
      jsm.streams.add({ name: Streams.orders.name, subjects: [...Streams.orders.subjects] }),
    ).rejects.toThrow();
    await expect(jsm.consumers.info(Streams.backtestJobs.name, 'backtester')).rejects.toThrow();

    // The operators' user can do all of it.
    const admin = await jetstreamManager(await connectAs(ADMIN_USER), { timeout: WAIT_MS });
    expect((await admin.streams.info(Streams.cycles.name)).state.messages).toBe(1);
  });

  it('lets the data gateway keep its L2 cache in its KV bucket, and nobody else', async () => {
    const gateway = new Kvm(await connectAs('data-gateway'));
    const cache = await gateway.create(MARKET_DATA_CACHE_BUCKET, { ttl: 60_000, history: 1 });
    await cache.put('bars.1d.AAPL', 'cached');
    expect((await cache.get('bars.1d.AAPL'))?.string()).toBe('cached');
    // Another service can neither read nor write the cache (opening a bucket handle alone asks the server nothing).
    const foreign = await new Kvm(await connectAs('technical-agent')).open(MARKET_DATA_CACHE_BUCKET, {
      timeout: DENIED_WAIT_MS,
    });
    await expect(foreign.get('bars.1d.AAPL')).rejects.toThrow();
    await expect(foreign.put('bars.1d.AAPL', 'poisoned')).rejects.toThrow();
    expect((await cache.get('bars.1d.AAPL'))?.string()).toBe('cached');
    await cache.delete('bars.1d.AAPL');
    await expect(gateway.create('another_bucket', { history: 1 })).rejects.toThrow();
  });
});
