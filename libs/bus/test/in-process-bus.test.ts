import { Headers, ManualClock } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { Mailbox } from '../src/in-process/mailbox';
import { type Bus, InProcessBroker, InProcessBus } from '../src/index';
import { busContractSuite } from './bus-contract-suite';
import { type BusHarness, Job, requestTimeoutMs, uniqueRunId, waitFor } from './harness';

async function inProcessHarness(): Promise<BusHarness> {
  const broker = new InProcessBroker();
  const buses: Bus[] = [];
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const runId = uniqueRunId();
  return {
    prefix: runId,
    streamPrefix: `T_${runId.toUpperCase()}`,
    async createBus(name, options) {
      const bus = new InProcessBus({ name, broker, ...options });
      buses.push(bus);
      return bus;
    },
    async publishRaw(subject, body, headers) {
      broker.publish({ subject, data: encoder.encode(body), headers });
    },
    async requestRaw(subject, body, headers) {
      const reply = await broker.request(subject, encoder.encode(body), headers, requestTimeoutMs());
      return decoder.decode(reply.data);
    },
    async collect(subject) {
      const messages: { subject: string; body: string; headers: Record<string, string> }[] = [];
      const mailbox = new Mailbox<{ subject: string; data: Uint8Array; headers: Record<string, string> }>(
        'sequential',
        async (m) =>
          void messages.push({ subject: m.subject, body: decoder.decode(m.data), headers: m.headers }),
      );
      const remove = broker.addRoute({ pattern: subject, queue: undefined, mailbox });
      return {
        messages,
        close: async () => {
          remove();
          await mailbox.close();
        },
      };
    },
    async teardown() {
      await Promise.all(buses.map((bus) => bus.close()));
    },
  };
}

busContractSuite('InProcessBus', inProcessHarness);

describe('InProcessBus: simulated time', () => {
  it('stamps and queries history by the injected clock (the backtest clock)', async () => {
    const clock = new ManualClock('2023-01-03T14:30:00.000Z');
    const bus = new InProcessBus({ name: 'backtester', clock });
    await bus.ensureTopology({ streams: [{ name: 'ORDERS', subjects: ['order.>'] }] });
    const sent: Record<string, string>[] = [];
    await bus.subscribe('order.>', Job, (m) => void sent.push({ ...m.headers }));
    for (const [i, at] of [
      '2023-01-03T14:30:00.000Z',
      '2023-01-04T14:30:00.000Z',
      '2023-01-05T14:30:00.000Z',
    ].entries()) {
      clock.set(at);
      await bus.publishDurable('order.submit.AAPL', Job, { jobId: `o-${i}` }, { messageId: `o-${i}` });
    }
    const day2 = await bus.history('order.submit.AAPL', Job, {
      stream: 'ORDERS',
      from: new Date('2023-01-04T00:00:00.000Z'),
      to: new Date('2023-01-05T00:00:00.000Z'),
    });
    expect(day2.map((m) => [m.data.jobId, m.storedAt.toISOString()])).toEqual([
      ['o-1', '2023-01-04T14:30:00.000Z'],
    ]);
    await waitFor(() => sent.length === 3, undefined, 'the three deliveries');
    expect(sent.map((h) => h[Headers.sentAt])).toEqual([
      '2023-01-03T14:30:00.000Z',
      '2023-01-04T14:30:00.000Z',
      '2023-01-05T14:30:00.000Z',
    ]);
    await bus.close();
  });

  it('rejects overlapping stream subjects, as the server does', async () => {
    const bus = new InProcessBus({ name: 'overlap' });
    await bus.ensureTopology({ streams: [{ name: 'A', subjects: ['order.>'] }] });
    await expect(
      bus.ensureTopology({ streams: [{ name: 'B', subjects: ['order.submit.*'] }] }),
    ).rejects.toThrow(/overlap/);
    await bus.close();
  });

  it('refuses work after close', async () => {
    const bus = new InProcessBus({ name: 'closed' });
    await bus.close();
    await expect(bus.publish('x', Job, { jobId: '1' })).rejects.toThrow(/closed/);
  });
});
