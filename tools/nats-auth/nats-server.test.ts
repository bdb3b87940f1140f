import { type Bus, BusTopologyError, connectBus, inboxPrefixFor, type NatsBus } from '@ats/bus';
import { defineMessage, Messages, QueueGroups, Streams, Subjects } from '@ats/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gatewayChannels } from '../../apps/api-gateway/src/channels';
// Each service's own declaration of what it checks at start-up (see streams.ts).
import { backtestQueue, queueTopology } from '../../apps/backtester/src/queue';
import { barChannels } from '../../apps/data-gateway/src/bar-channels';
import { cycleChannels } from '../../apps/orchestrator/src/channels';
import { agentRpcTopology } from '../../libs/agent-rpc/src/topology';
import { orderChannels } from '../../libs/paper-broker/src/channels';
import { type AuthNats, startAuthNats } from './private-nats';
import { provisionStreams } from './provision';
import { operatorStreams } from './streams';
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

/** A raw connection as `user`, replying on its own inboxes as the bus connects (`inboxPrefixFor(user)`). */
async function connectAs(user: ServiceName | typeof ADMIN_USER, inboxPrefix = inboxPrefixFor(user)) {
  const nc = await connect({
    servers: nats.url,
    user,
    pass: nats.passwords.get(user),
    name: user,
    inboxPrefix,
  });
  connections.push(nc);
  return nc;
}

/** The bus as a service connects it (connectBus with its NATS user). */
async function busAs(user: ServiceName | typeof ADMIN_USER): Promise<NatsBus> {
  const bus = await connectBus({ url: nats.url, user, password: nats.passwords.get(user), name: user });
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
    const api = await connectAs('api-gateway');
    const heartbeats = api.subscribe(Subjects.allHeartbeats, { max: 1 });
    await api.flush();
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

  it('serves request/reply through the requester’s own inbox; a server replies only to requests it received', async () => {
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
    const again = await connectAs('data-gateway');
    expect(await publishViolation(again, `${inboxPrefixFor('api-gateway')}.1`)).toMatch(
      /Permissions Violation for Publish/,
    );
  });

  it('lets every service check its streams as provisioned by the operator, publish durably, consume and read', async () => {
    // Each service's own start-up declaration finds the operator's stream as declared: nothing to create or change.
    const declared: [ServiceName, Parameters<Bus['ensureTopology']>[0]][] = [
      ['data-gateway', { streams: [barChannels().stream] }],
      ['technical-agent', agentRpcTopology()],
      ['sentiment-agent', agentRpcTopology()],
      ['risk-manager', agentRpcTopology()],
      ['portfolio-manager', agentRpcTopology()],
      ['orchestrator', { streams: [cycleChannels().stream, orderChannels().stream] }],
      ['api-gateway', { streams: [gatewayChannels().backtestJobsStream] }],
      ['backtester', queueTopology(backtestQueue())],
    ];
    for (const [user, topology] of declared) {
      const report = await (await busAs(user)).ensureTopology(topology);
      for (const outcome of Object.values(report.streams)) expect(outcome, user).toBe('unchanged');
    }

    const orchestrator = await busAs('orchestrator');
    const from = new Date(Date.now() - 1_000);
    const stored = await orchestrator.publishDurable(
      Subjects.cycleEvent('started'),
      Note,
      { text: 'cycle 1' },
      { messageId: 'cycle-1-started' },
    );
    expect(stored.seq).toBe(1);
    // Its own CYCLES history, read through ephemeral consumers and its own inbox.
    const history = await orchestrator.history(Subjects.cycleEvent('started'), Note, {
      stream: Streams.cycles.name,
      from,
      to: new Date(Date.now() + 60_000),
    });
    expect(history.map((m) => m.data.text)).toEqual(['cycle 1']);

    const backtester = await busAs('backtester');
    const api = await busAs('api-gateway');
    await api.publishDurable(Subjects.backtestJob, Note, { text: 'job 7' }, { messageId: 'job-7' });
    const received = new Promise<string>((resolve) => {
      void backtester.consume(
        Streams.backtestJobs.name,
        backtestQueue().durable,
        Note,
        (message) => resolve(message.data.text),
        { maxDeliver: 3, backoffMs: [100] },
      );
    });
    expect(await received).toBe('job 7');
  });

  it('refuses every service user any change to any stream; the operator may', async () => {
    const admin = await jetstreamManager(await connectAs(ADMIN_USER), { timeout: WAIT_MS });
    const decisionsBefore = (await admin.streams.info(Streams.decisions.name)).config;
    for (const user of ['technical-agent', 'sentiment-agent', 'risk-manager', 'portfolio-manager'] as const) {
      const jsm = await jetstreamManager(await connectAs(user), { timeout: DENIED_WAIT_MS });
      // The probe's attack: cut the shared DECISIONS stream to one message, or widen it onto md.history.get.
      await expect(
        jsm.streams.update(Streams.decisions.name, { ...decisionsBefore, max_msgs: 1 }),
        user,
      ).rejects.toThrow();
      await expect(
        jsm.streams.update(Streams.decisions.name, {
          ...decisionsBefore,
          subjects: [...(decisionsBefore.subjects ?? []), Subjects.historyRequest],
        }),
        user,
      ).rejects.toThrow();
      for (const stream of operatorStreams()) {
        await expect(jsm.streams.delete(stream.name), `${user} deletes ${stream.name}`).rejects.toThrow();
        await expect(jsm.streams.purge(stream.name), `${user} purges ${stream.name}`).rejects.toThrow();
      }
      await expect(jsm.streams.add({ name: 'ROGUE', subjects: ['rogue.>'] }), user).rejects.toThrow();
      // Nor another service's durable consumer.
      await expect(jsm.consumers.info(Streams.backtestJobs.name, 'backtester'), user).rejects.toThrow();
    }
    expect((await admin.streams.info(Streams.decisions.name)).config).toEqual(decisionsBefore);

    // The operators' user can change and delete streams.
    await admin.streams.update(Streams.deadLetters.name, { max_msgs: 1_000 });
    expect((await admin.streams.info(Streams.deadLetters.name)).config.max_msgs).toBe(1_000);
    await admin.streams.add({ name: 'SCRATCH', subjects: ['scratch.>'] });
    expect(await admin.streams.delete('SCRATCH')).toBe(true);
  });

  it('leaves an operator’s change to a stream alone and tells the service', async () => {
    const admin = await jetstreamManager(await connectAs(ADMIN_USER), { timeout: WAIT_MS });
    const decisions = (await admin.streams.info(Streams.decisions.name)).config;
    await admin.streams.update(Streams.decisions.name, { ...decisions, max_msgs: 5_000_000 });
    const agent = await busAs('technical-agent');
    expect((await agent.ensureTopology(agentRpcTopology())).streams).toEqual({ DECISIONS: 'drifted' });
    expect((await admin.streams.info(Streams.decisions.name)).config.max_msgs).toBe(5_000_000);
    await admin.streams.update(Streams.decisions.name, decisions);
  });

  it('tells a service to ask the operator when its stream is missing, or not its own', async () => {
    const agent = await busAs('technical-agent');
    const foreign = { name: 'ONLY_THE_OPERATOR', subjects: ['decision.scratch.>'] };
    await expect(agent.ensureTopology({ streams: [foreign] })).rejects.toThrow(/may not read stream/);

    const admin = await jetstreamManager(await connectAs(ADMIN_USER), { timeout: WAIT_MS });
    expect(await admin.streams.delete(Streams.decisions.name)).toBe(true);
    await expect(agent.ensureTopology(agentRpcTopology())).rejects.toThrow(BusTopologyError);
    await expect(agent.ensureTopology(agentRpcTopology())).rejects.toThrow(/may not create streams/);
    // The operator's step brings it back; the service then starts as usual.
    expect(
      (await provisionStreams(nats.url, nats.passwords.get(ADMIN_USER) as string)).streams,
    ).toMatchObject({
      DECISIONS: 'created',
      CYCLES: 'unchanged',
    });
    expect((await agent.ensureTopology(agentRpcTopology())).streams).toEqual({ DECISIONS: 'unchanged' });
  });

  it('keeps each service’s replies on its own inboxes: another service cannot subscribe to them', async () => {
    for (const [user, other] of [
      ['technical-agent', 'orchestrator'],
      ['orchestrator', 'api-gateway'],
      ['api-gateway', 'data-gateway'],
    ] as const) {
      const nc = await connectAs(user);
      for (const foreign of [`${inboxPrefixFor(other)}.>`, '_INBOX.>', '_INBOX_*.>']) {
        const sneaky = nc.subscribe(foreign);
        await nc.flush();
        await expect(sneaky.closed, `${user} on ${foreign}`).resolves.toMatchObject({
          message: expect.stringMatching(/Permissions Violation for Subscription/),
        });
      }
    }
    // A client that ignores its prefix cannot even receive its own replies.
    const stray = await connectAs('technical-agent', '_INBOX');
    await expect(stray.request(Subjects.historyRequest, '{}', { timeout: DENIED_WAIT_MS })).rejects.toThrow();
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
