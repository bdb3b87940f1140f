import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bus, connectBus } from '../src/index';
import { Job, within } from './harness';

/**
 * A loopback port free a moment ago (not @ats/tool-testing's: that one reaches @ats/bus through market-data, and a
 * dev dependency back on it would make a cycle).
 */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A private nats-server with JetStream on disk, so the streams survive the restart as in production. */
async function startServer(port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
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
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('a NATS outage', () => {
  let server: ChildProcess | undefined;
  let bus: Bus | undefined;
  const storeDir = mkdtempSync(join(tmpdir(), 'ats-bus-outage-'));
  afterEach(async () => {
    await bus?.close();
    if (server) await stopServer(server);
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('makes durable publishes wait and go through once when the server is back (stored once each)', async () => {
    const port = await freePort();
    server = await startServer(port, storeDir);
    bus = await connectBus({ url: `nats://127.0.0.1:${port}`, name: 'outage-test' });
    await bus.ensureTopology({ streams: [{ name: 'OUTAGE', subjects: ['outage.>'] }] });
    await bus.publishDurable('outage.job', Job, { jobId: 'before' }, { messageId: 'before' });

    await stopServer(server);
    const downAt = performance.now();
    // Published while the server is down: each waits instead of failing; one of them is published twice.
    const during = [1, 2, 3, 2].map((i) =>
      (bus as Bus).publishDurable('outage.job', Job, { jobId: `during-${i}` }, { messageId: `during-${i}` }),
    );
    const settled = Promise.allSettled(during);
    // Down for three seconds (the chaos test on the stack holds NATS down for ten).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await Promise.race([settled.then(() => 'settled'), Promise.resolve('waiting')])).toBe('waiting');
    server = await startServer(port, storeDir);
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(performance.now() - downAt).toBeLessThan(within(45_000));

    const stored = await bus.history('outage.>', Job, {
      stream: 'OUTAGE',
      from: new Date(0),
      to: new Date(Date.now() + 60_000),
    });
    expect(stored.map((m) => m.data.jobId).sort()).toEqual(['before', 'during-1', 'during-2', 'during-3']);
  });
});
