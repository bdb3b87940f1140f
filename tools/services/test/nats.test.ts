import { rmSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { down, probeNats, up } from '../index';
import { isRunning } from '../state';
import { recordedState, scratchServicesDir, unusedUrls } from './helpers';

describe('private NATS', () => {
  const dir = scratchServicesDir();
  afterAll(async () => {
    await down({ dir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a JetStream nats-server when the configured URL does not answer, and stops it on release', async () => {
    const env = { ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const services = await up({ services: ['nats'], env });
    expect(services.nats?.source).toBe('started');
    expect(services.postgres).toBeUndefined();
    const url = services.nats!.url;
    expect(url).not.toBe(env.NATS__URL);
    expect(services.env).toEqual({ NATS__URL: url });

    const nc = await connect({ servers: url });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = `services_test_${process.pid}`;
      await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
      expect((await jsm.streams.info(stream)).config.name).toBe(stream);
      expect(await jsm.streams.delete(stream)).toBe(true);
    } finally {
      await nc.close();
    }

    const pid = recordedState(dir).nats!.pid;
    expect(isRunning(pid, 'nats-server')).toBe(true);
    await services.release();
    expect(isRunning(pid, 'nats-server')).toBe(false);
    expect((await probeNats(url)).ok).toBe(false);
    expect(recordedState(dir).nats).toBeUndefined();
  });

  it('reuses a running private server and stops it only when its last user releases it', async () => {
    const env = { ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const first = await up({ services: ['nats'], env });
    const second = await up({ services: ['nats'], env });
    expect(first.nats?.source).toBe('started');
    expect(second.nats).toEqual({ url: first.nats!.url, source: 'reused' });

    await first.release();
    expect((await probeNats(second.nats!.url)).ok).toBe(true);
    await second.release();
    expect((await probeNats(second.nats!.url)).ok).toBe(false);
  });

  it('keeps servers started with keep until an explicit down', async () => {
    const env = { ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const kept = await up({ services: ['nats'], env, keep: true });
    const user = await up({ services: ['nats'], env });
    await user.release();
    expect((await probeNats(kept.nats!.url)).ok).toBe(true);

    const stopped = await down({ dir });
    expect(stopped.nats?.url).toBe(kept.nats!.url);
    expect((await probeNats(kept.nats!.url)).ok).toBe(false);
  });
});
