import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bus, connectBus } from '../src/index';
import { Job, waitFor } from './harness';

/** A private, throw-away nats-server (core only) so the test may stop and restart it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`nats-server exited early (${code}): ${log}`)));
  });
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

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
