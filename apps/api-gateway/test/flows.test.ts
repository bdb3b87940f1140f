import { get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentMessages, ApiMessages, type BacktestJob, TradingMessages } from '@ats/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, eventually, type Gateway, startGateway } from './support';

let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway({ requiredServices: ['technical-agent'] });
});
afterAll(async () => gateway?.close());

const decision = (symbol: string, reasoning: string) => ({
  agent: 'technical' as const,
  symbol,
  signal: 'BUY' as const,
  confidence: 0.72,
  reasoning,
  supportingData: { rsi14: 28.1 },
  ts: '2023-06-02T20:00:00.000Z',
  correlationId: 'cycle-20230602',
});

// The analyze route against the real orchestrator, agents and data gateway processes is tools/stack's
// analyze-e2e test; here only what the gateway answers by itself (no responder, a bad body).
describe('POST /v1/analyze (the gateway alone)', () => {
  it('answers 503 when no orchestrator runs and 400 for a bad body', async () => {
    const none = await gateway.app.inject({
      method: 'POST',
      url: '/v1/analyze',
      headers: bearer(gateway.keys.trade),
      payload: {},
    });
    expect(none.statusCode).toBe(503);
    expect(none.json().message).toBe('the backend service is not running');
    const bad = await gateway.app.inject({
      method: 'POST',
      url: '/v1/analyze',
      headers: bearer(gateway.keys.trade),
      payload: { symbols: ['aapl'], pattern: 'random' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual([
      'body.symbols.0',
      'body.pattern',
    ]);
  });
});

describe('backtests', () => {
  it('queues a job on JetStream (202), reports status and metrics, serves the tear sheet', async () => {
    const durable = 'test-backtester';
    await gateway.bus.ensureTopology({
      streams: [gateway.channels.backtestJobsStream],
      consumers: [{ stream: gateway.channels.backtestJobsStream.name, durable }],
    });
    const jobs: BacktestJob[] = [];
    const worker = await gateway.bus.consume(
      gateway.channels.backtestJobsStream.name,
      durable,
      ApiMessages.backtestJob,
      (message) => {
        jobs.push(message.data);
      },
      { maxDeliver: 3, backoffMs: [100] },
    );

    const accepted = await gateway.app.inject({
      method: 'POST',
      url: '/v1/backtests',
      headers: bearer(gateway.keys.trade),
      payload: {
        symbols: ['AAPL', 'MSFT'],
        start: '2023-01-01',
        end: '2023-06-30',
        strategy: 'sma-crossover',
      },
    });
    expect(accepted.statusCode).toBe(202);
    const { id, status, links } = accepted.json();
    expect(status).toBe('running');
    expect(links).toEqual({ self: `/v1/backtests/${id}`, report: `/v1/backtests/${id}/report` });

    const job = await eventually(async () => jobs.find((j) => j.runId === id));
    await worker.close();
    expect(job.request).toMatchObject({
      symbols: ['AAPL', 'MSFT'],
      strategy: 'sma-crossover',
      capital: 100_000,
    });
    expect(job.requestedBy).toBe(gateway.keyIds.trade);

    const queued = (
      await gateway.app.inject({ url: `/v1/backtests/${id}`, headers: bearer(gateway.keys.read) })
    ).json();
    expect(queued).toMatchObject({
      id,
      status: 'running',
      metrics: null,
      hasReport: false,
      finishedAt: null,
    });
    expect(queued.request).toMatchObject({ end: '2023-06-30' });
    const notYet = await gateway.app.inject({
      url: `/v1/backtests/${id}/report`,
      headers: bearer(gateway.keys.read),
    });
    expect(notYet.statusCode).toBe(404);

    // What the backtester worker does when it finishes.
    const html = '<!doctype html><html><body><h1>Tear sheet</h1><script>1</script></body></html>';
    await gateway.db.run.update({ where: { id }, data: { status: 'completed', finishedAt: new Date() } });
    await gateway.db.backtestResult.create({
      data: {
        runId: id,
        config: {},
        metrics: { sharpe: 1.31, maxDrawdown: 0.082, totalReturn: 0.124 },
        equityCurve: [],
        trades: [],
        reportHtml: html,
      },
    });
    const done = (
      await gateway.app.inject({ url: `/v1/backtests/${id}`, headers: bearer(gateway.keys.read) })
    ).json();
    expect(done).toMatchObject({ status: 'completed', metrics: { sharpe: 1.31 }, hasReport: true });
    const list = (
      await gateway.app.inject({ url: '/v1/backtests', headers: bearer(gateway.keys.read) })
    ).json();
    expect(list.backtests.find((b: { id: string }) => b.id === id)).toMatchObject({ hasReport: true });

    const report = await gateway.app.inject({
      url: `/v1/backtests/${id}/report`,
      headers: bearer(gateway.keys.read),
    });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/^text\/html/);
    expect(report.headers['content-security-policy']).toMatch(/sandbox/);
    expect(report.body).toBe(html);

    // A link with a signed token works; a tampered one does not.
    const token = (
      await gateway.app.inject({
        method: 'POST',
        url: '/v1/access-tokens',
        headers: bearer(gateway.keys.read),
      })
    ).json().token as string;
    expect((await gateway.app.inject({ url: `/v1/backtests/${id}/report?token=${token}` })).statusCode).toBe(
      200,
    );
    const tampered = `${token.slice(0, -2)}xx`;
    expect(
      (await gateway.app.inject({ url: `/v1/backtests/${id}/report?token=${tampered}` })).statusCode,
    ).toBe(401);
    // Tokens are for the two header-less GETs only.
    expect((await gateway.app.inject({ url: `/v1/backtests/${id}?token=${token}` })).statusCode).toBe(401);

    const audit = await gateway.db.auditEvent.findMany({ where: { action: 'backtest.create', subject: id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ statusCode: 202, request: { strategy: 'sma-crossover' } });
  });

  it('rejects a bad request and a read-only key; 404 for an unknown id', async () => {
    const bad = await gateway.app.inject({
      method: 'POST',
      url: '/v1/backtests',
      headers: bearer(gateway.keys.trade),
      payload: { start: '2023-12-31', end: '2023-01-01', capital: -5 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['body.capital']),
    );
    const readOnly = await gateway.app.inject({
      method: 'POST',
      url: '/v1/backtests',
      headers: bearer(gateway.keys.read),
      payload: {},
    });
    expect(readOnly.statusCode).toBe(403);
    expect(
      (await gateway.app.inject({ url: '/v1/backtests/nope', headers: bearer(gateway.keys.read) }))
        .statusCode,
    ).toBe(404);
  });
});

describe('agents and readiness from heartbeats', () => {
  it('is not ready until the required service beats, then lists it', async () => {
    const before = await gateway.app.inject({ url: '/ready' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toMatchObject({ status: 'degraded' });
    // Which services are missing is for an admin, not the public.
    expect(before.json()).not.toHaveProperty('missingServices');
    const detail = await gateway.app.inject({ url: '/v1/ready', headers: bearer(gateway.keys.admin) });
    expect(detail.statusCode).toBe(503);
    expect(detail.json()).toMatchObject({ status: 'degraded', missingServices: ['technical-agent'] });
    const forReaders = await gateway.app.inject({ url: '/v1/ready', headers: bearer(gateway.keys.read) });
    expect(forReaders.statusCode).toBe(403);

    await gateway.bus.publish(
      `${gateway.channels.namespace}.heartbeat.technical-agent`,
      AgentMessages.heartbeat,
      {
        service: 'technical-agent',
        instanceId: 'technical-agent-1',
        agent: 'technical',
        ts: new Date().toISOString(),
        inflight: 0,
        handled: 42,
        version: '0.1.0',
      },
    );
    const ready = await eventually(async () => {
      const r = await gateway.app.inject({ url: '/v1/ready', headers: bearer(gateway.keys.admin) });
      return r.statusCode === 200 ? (r.json() as { services: unknown[] }) : undefined;
    });
    expect(ready.services).toEqual([
      expect.objectContaining({ service: 'technical-agent', alive: true, liveInstances: 1 }),
    ]);
    const agents = (
      await gateway.app.inject({ url: '/v1/agents', headers: bearer(gateway.keys.read) })
    ).json();
    expect(agents.services[0].instances[0]).toMatchObject({
      instanceId: 'technical-agent-1',
      handled: 42,
      agent: 'technical',
    });
  });
});

describe('GET /v1/stream (server-sent events)', () => {
  it('pushes decisions and fills from the bus to a client holding a signed token', async () => {
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = gateway.app.server.address() as AddressInfo;
    const unauthorised = await new Promise<IncomingMessage>((resolve) =>
      httpGet(`http://127.0.0.1:${port}/v1/stream`, resolve),
    );
    expect(unauthorised.statusCode).toBe(401);
    unauthorised.resume();

    const token = (
      await gateway.app.inject({
        method: 'POST',
        url: '/v1/access-tokens',
        headers: bearer(gateway.keys.read),
      })
    ).json().token as string;
    const response = await new Promise<IncomingMessage>((resolve) =>
      httpGet(`http://127.0.0.1:${port}/v1/stream?token=${encodeURIComponent(token)}`, resolve),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
    });
    await eventually(async () => (text.includes(': connected') ? true : undefined));

    await gateway.bus.publish(
      `${gateway.channels.namespace}.decision.technical.NVDA`,
      TradingMessages.agentDecision,
      decision('NVDA', 'breakout on volume'),
    );
    await gateway.bus.publish(`${gateway.channels.namespace}.order.filled.NVDA`, TradingMessages.fill, {
      fillId: 'fill-1',
      clientOrderId: 'co-1',
      symbol: 'NVDA',
      side: 'BUY',
      quantity: 5,
      price: 390.5,
      commission: 1,
      slippage: 0.02,
      filledAt: '2023-06-05T13:30:00.000Z',
    });
    await eventually(async () => (text.includes('event: fill') ? true : undefined));
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        return { event: eventLine?.slice(7), data: JSON.parse(dataLine?.slice(6) ?? 'null') };
      });
    expect(events).toEqual([
      {
        event: 'decision',
        data: expect.objectContaining({ symbol: 'NVDA', reasoning: 'breakout on volume' }),
      },
      { event: 'fill', data: expect.objectContaining({ fillId: 'fill-1', price: 390.5 }) },
    ]);
    response.destroy();
  });
});
