import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bus, connectBus } from '../src/index';
import { Job, waitFor } from './harness';
import { freePort, startServer, stopServer } from './private-nats-server';

describe('connectBus reconnects', () => {
  let server: ChildProcess | undefined;
  let bus: Bus | undefined;
  afterEach(async () => {
    await bus?.close();
    if (server) await stopServer(server);
  });

  it('keeps its subscriptions across a server restart', async () => {
    const port = await freePort();
    server = await startServer(port);
    bus = await connectBus({ url: `nats://127.0.0.1:${port}`, name: 'reconnect-test' });
    const received: string[] = [];
    await bus.subscribe('heartbeat.test', Job, (m) => void received.push(m.data.jobId));
    await bus.publish('heartbeat.test', Job, { jobId: 'before' });
    await waitFor(() => received.length === 1);

    await stopServer(server);
    server = await startServer(port);
    // The client resubscribes after reconnecting; publish until a message makes the round trip.
    let n = 0;
    await waitFor(
      () => {
        if (received.length < 2) void bus?.publish('heartbeat.test', Job, { jobId: `after-${n++}` });
        return received.length >= 2;
      },
      10_000,
      'delivery after reconnect',
    );
    expect(received[0]).toBe('before');
    expect(received[1]).toMatch(/^after-/);
  });
});
