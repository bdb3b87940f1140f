import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Gateway, startGateway } from './support';

let gateway: Gateway;
let paperRunId: string;
let olderRunId: string;
const correlationId = `corr-portfolio-${Date.now()}`;

async function get(url: string, key = gateway.keys.read) {
  return gateway.app.inject({ url, headers: bearer(key) });
}

beforeAll(async () => {
  gateway = await startGateway();
  const db = gateway.db;
  // Far-future start so this is "the latest paper run" whatever else the shared test database holds.
  const paper = await db.run.create({
    data: { kind: 'paper', status: 'running', config: {}, startedAt: new Date('2100-01-02T00:00:00Z') },
  });
  const older = await db.run.create({
    data: { kind: 'paper', status: 'completed', config: {}, startedAt: new Date('2100-01-01T00:00:00Z') },
  });
  paperRunId = paper.id;
  olderRunId = older.id;
  await db.portfolio.create({ data: { runId: paper.id, cash: 40_000 } });
  await db.position.createMany({
    data: [
      { runId: paper.id, symbol: 'AAPL', quantity: 100, averagePrice: 150, realizedPnl: 12.5 },
      { runId: paper.id, symbol: 'MSFT', quantity: 0, averagePrice: 0, realizedPnl: 80 },
      { runId: paper.id, symbol: 'TSLA', quantity: -10, averagePrice: 200, realizedPnl: 0 },
    ],
  });
  await db.portfolioSnapshot.createMany({
    data: [
      {
        runId: paper.id,
        correlationId: 'c1',
        takenAt: new Date('2023-06-01T20:00:00Z'),
        cash: 100_000,
        equity: 100_000,
        positions: [],
      },
      {
        runId: paper.id,
        correlationId: 'c2',
        takenAt: new Date('2023-06-02T20:00:00Z'),
        cash: 40_000,
        equity: 101_250,
        positions: [],
      },
    ],
  });
  const order = await db.order.create({
    data: {
      clientOrderId: `co-${paper.id}`,
      runId: paper.id,
      correlationId: 'c1',
      symbol: 'AAPL',
      side: 'BUY',
      type: 'MARKET',
      quantity: 100,
      status: 'FILLED',
      reason: 'target weight 15%',
      submittedAt: new Date('2023-06-01T20:00:00Z'),
    },
  });
  await db.order.create({
    data: {
      clientOrderId: `co2-${paper.id}`,
      runId: paper.id,
      correlationId: 'c2',
      symbol: 'TSLA',
      side: 'SELL',
      type: 'LIMIT',
      limitPrice: 210,
      quantity: 10,
      status: 'NEW',
      submittedAt: new Date('2023-06-02T20:00:00Z'),
    },
  });
  await db.fill.create({
    data: {
      executionId: `ex-${paper.id}`,
      orderId: order.id,
      symbol: 'AAPL',
      side: 'BUY',
      quantity: 100,
      price: 150,
      commission: 1,
      slippage: 0.05,
      filledAt: new Date('2023-06-02T13:30:00Z'),
    },
  });
  // 25 decisions: 3 agents × several symbols, with ties on decidedAt to exercise the id tie-break.
  const base = Date.parse('2023-06-01T20:00:00Z');
  const agents = ['technical', 'sentiment', 'risk'] as const;
  await db.decision.createMany({
    data: Array.from({ length: 25 }, (_, i) => ({
      runId: paper.id,
      correlationId: i < 12 ? correlationId : `${correlationId}-b`,
      agent: agents[i % 3] as string,
      symbol: i % 2 === 0 ? 'AAPL' : 'MSFT',
      signal: (['BUY', 'SELL', 'HOLD'] as const)[i % 3] ?? 'HOLD',
      confidence: 0.5 + (i % 5) / 10,
      reasoning: `reason ${i}`,
      supportingData: { i },
      // Five decisions share each timestamp.
      decidedAt: new Date(base + Math.floor(i / 5) * 86_400_000),
    })),
  });
});
afterAll(async () => gateway?.close());

describe('portfolio, positions, orders and fills', () => {
  it('defaults to the latest live/paper run: cash now, equity of the last snapshot, open positions', async () => {
    const response = await get('/v1/portfolio');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      run: { id: paperRunId, kind: 'paper', status: 'running' },
      cash: 40_000,
      equity: 101_250,
      asOf: '2023-06-02T20:00:00.000Z',
    });
    expect(body.positions.map((p: { symbol: string }) => p.symbol)).toEqual(['AAPL', 'TSLA']);
    expect(body.positions[1]).toMatchObject({ quantity: -10, averagePrice: 200 });
  });

  it('reads a given run and answers 404 for an unknown one', async () => {
    const older = (await get(`/v1/portfolio?runId=${olderRunId}`)).json();
    expect(older).toMatchObject({ run: { id: olderRunId }, cash: null, equity: null, positions: [] });
    const missing = await get('/v1/portfolio?runId=does-not-exist');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('no run does-not-exist');
  });

  it('returns the equity curve oldest first', async () => {
    const body = (await get(`/v1/portfolio/equity?runId=${paperRunId}`)).json();
    expect(body.points).toEqual([
      { ts: '2023-06-01T20:00:00.000Z', equity: 100_000, cash: 100_000 },
      { ts: '2023-06-02T20:00:00.000Z', equity: 101_250, cash: 40_000 },
    ]);
    const last = (await get(`/v1/portfolio/equity?runId=${paperRunId}&limit=1`)).json();
    expect(last.points.map((p: { equity: number }) => p.equity)).toEqual([101_250]);
  });

  it('lists positions, orders (filtered) and fills', async () => {
    expect((await get(`/v1/positions?runId=${paperRunId}`)).json().positions).toHaveLength(2);
    const orders = (await get(`/v1/orders?runId=${paperRunId}`)).json().orders;
    expect(orders.map((o: { symbol: string }) => o.symbol)).toEqual(['TSLA', 'AAPL']);
    expect(orders[0]).toMatchObject({ type: 'LIMIT', limitPrice: 210, status: 'NEW', stopPrice: null });
    const open = (await get(`/v1/orders?runId=${paperRunId}&status=NEW`)).json().orders;
    expect(open).toHaveLength(1);
    const fills = (await get(`/v1/fills?runId=${paperRunId}&symbol=AAPL`)).json().fills;
    expect(fills).toEqual([
      expect.objectContaining({
        clientOrderId: `co-${paperRunId}`,
        quantity: 100,
        price: 150,
        commission: 1,
        filledAt: '2023-06-02T13:30:00.000Z',
      }),
    ]);
    const runs = (await get('/v1/runs?limit=200')).json().runs.map((r: { id: string }) => r.id);
    expect(runs).toEqual(expect.arrayContaining([paperRunId, olderRunId]));
  });

  it('rejects bad query values with field messages', async () => {
    const badStatus = await get(`/v1/orders?runId=${paperRunId}&status=DONE`);
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().issues[0].path).toBe('querystring.status');
    const badLimit = await get(`/v1/fills?runId=${paperRunId}&limit=0`);
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().issues[0].path).toBe('querystring.limit');
  });
});

describe('GET /v1/decisions', () => {
  it('pages through every decision of a run once, newest first, ties broken by id', async () => {
    const seen: { id: string; decidedAt: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/decisions?runId=${paperRunId}&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await get(url);
      expect(response.statusCode).toBe(200);
      const page = response.json();
      seen.push(...page.decisions);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((d) => d.id)).size).toBe(25);
    const order = [...seen].sort((a, b) =>
      a.decidedAt === b.decidedAt ? (a.id < b.id ? 1 : -1) : a.decidedAt < b.decidedAt ? 1 : -1,
    );
    expect(seen.map((d) => d.id)).toEqual(order.map((d) => d.id));
  });

  it('filters by symbol, agent, correlation id and time range', async () => {
    const q = (extra: string) =>
      get(`/v1/decisions?runId=${paperRunId}&limit=200&${extra}`).then((r) => r.json());
    const aapl = await q('symbol=AAPL');
    expect(aapl.decisions).toHaveLength(13);
    expect(aapl.decisions.every((d: { symbol: string }) => d.symbol === 'AAPL')).toBe(true);
    const technical = await q('agent=technical');
    expect(technical.decisions).toHaveLength(9);
    expect((await q(`correlationId=${correlationId}`)).decisions).toHaveLength(12);
    // Days 2 and 3 (from inclusive, to exclusive): decisions 5..14.
    const window = await q('from=2023-06-02T20:00:00.000Z&to=2023-06-04T20:00:00.000Z');
    expect(window.decisions.map((d: { reasoning: string }) => d.reasoning).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `reason ${i + 5}`).sort(),
    );
    expect(window.nextCursor).toBeNull();
    const first = window.decisions.at(-1);
    expect(first).toMatchObject({ supportingData: { i: expect.any(Number) }, runId: paperRunId });
  });

  it.each([
    ['a forged cursor', 'cursor=not-a-cursor', 'querystring.cursor'],
    ['an unknown agent', 'agent=oracle', 'querystring.agent'],
    ['a non-UTC time', 'from=2023-06-01', 'querystring.from'],
    ['a reversed range', 'from=2023-06-05T00:00:00Z&to=2023-06-01T00:00:00Z', 'querystring.from'],
    ['a page too large', 'limit=1000', 'querystring.limit'],
  ])('answers %s with 400', async (_case, query, path) => {
    const response = await get(`/v1/decisions?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(path);
  });
});
