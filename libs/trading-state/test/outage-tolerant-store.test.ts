import { type AddressInfo, createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import type { Order } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, outageTolerantStore, PrismaTradingStore } from '../src/index';

/** How long the link to Postgres is cut: about a `pg_ctl restart` (0.76 s measured). */
const CUT_MS = 1_000;

/**
 * A TCP proxy between the store and Postgres that can be cut: while cut, open connections are reset and new ones
 * refused, as during a database restart.
 */
class CuttableLink {
  readonly #sockets = new Set<Socket>();
  #cut = false;
  readonly server: Server;

  constructor(target: URL) {
    this.server = createServer((client) => {
      if (this.#cut) return client.destroy();
      const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => {
          this.#sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let link: CuttableLink;
let prisma: PrismaClient;

beforeAll(async () => {
  const target = new URL(testServices().databaseUrl);
  link = new CuttableLink(target);
  const viaLink = new URL(target);
  viaLink.hostname = '127.0.0.1';
  viaLink.port = String(await link.listen());
  prisma = createPrismaClient(viaLink.toString());
});
afterAll(async () => {
  await prisma?.$disconnect();
  await link?.close();
});

const order = (runId: string, id: string): Order => ({
  clientOrderId: `${runId}:${id}`,
  symbol: 'AAPL',
  side: 'BUY',
  type: 'MARKET',
  quantity: 10,
  timeInForce: 'DAY',
  submittedAt: '2023-01-04T00:00:00.000Z',
  runId,
  correlationId: `${runId}:c1`,
});

describe('outage-tolerant trading store', () => {
  it('waits out a one-second cut of the connection to Postgres and carries on, once per call', async () => {
    const outages: string[] = [];
    const store = outageTolerantStore(new PrismaTradingStore(prisma), {
      onOutage: ({ operation }) => outages.push(operation),
    });
    const runId = uniqueName('blip');
    await store.openRun({ runId, kind: 'paper', initialCash: 1_000, config: {}, startedAt: new Date() });
    link.cut();
    const restored = new Promise<void>((resolve) =>
      setTimeout(() => {
        link.restore();
        resolve();
      }, CUT_MS),
    );
    const [recorded, state] = await Promise.all([
      store.recordOrder(order(runId, 'a')),
      store.loadState(runId),
      restored,
    ]);
    expect(recorded).toEqual({ duplicate: false, status: 'NEW' });
    expect(state.cash).toBe(1_000);
    expect(outages.sort()).toEqual(['loadState', 'recordOrder']);
    expect((await store.orders(runId)).map((o) => o.order.clientOrderId)).toEqual([`${runId}:a`]);
  });

  it('gives up after its budget with a typed error naming the call, not a raw driver error', async () => {
    const store = outageTolerantStore(new PrismaTradingStore(prisma), { budgetMs: 300 });
    link.cut();
    try {
      const failure = await store.loadState('anything').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DatabaseUnavailableError);
      expect((failure as Error).message).toMatch(/^loadState: Postgres unreachable for \d+ ms/);
      expect((failure as Error).message).not.toMatch(/\n|\.ts:/);
    } finally {
      link.restore();
    }
  });

  it('passes other errors straight through, without waiting', async () => {
    const store = outageTolerantStore(new PrismaTradingStore(prisma), { budgetMs: 60_000 });
    await expect(store.loadState(uniqueName('no_such_run'))).rejects.toThrow(/does not exist/);
  });
});
