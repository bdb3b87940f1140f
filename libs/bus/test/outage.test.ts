import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bus, connectBus } from '../src/index';
import { Job, within } from './harness';
import { freePort, startServer, stopServer } from './private-nats-server';

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
