import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles, OPS_NATS_DIR, topologyUsers } from './generate';
import { INBOX, permissionsFor, TopologyError } from './permissions';
import { newPassword } from './server-config';
import { SERVICE_TOPOLOGY } from './topology';

const APPS_DIR = join(OPS_NATS_DIR, '../../apps');

describe('permissionsFor', () => {
  it('derives inbox, dead-letter, stream and consumer grants from the declared verbs', () => {
    const p = permissionsFor('worker', {
      serves: ['job.run'],
      requests: ['md.history.get'],
      consumes: [{ stream: 'BACKTEST_JOBS', durable: 'worker' }],
    });
    expect(p.allowResponses).toBe(true);
    expect(p.subscribe).toEqual([INBOX, 'job.run']);
    expect(p.publish).toEqual(
      expect.arrayContaining([
        'md.history.get',
        'dlq.job.run',
        'dlq.backtest.job',
        '$JS.API.CONSUMER.MSG.NEXT.BACKTEST_JOBS.worker',
        '$JS.ACK.BACKTEST_JOBS.worker.>',
      ]),
    );
    // Serving alone replies through allow_responses, never a blanket publish on inboxes.
    expect(p.publish).not.toContain(INBOX);
  });

  it('refuses a durable publish to a subject no stream stores', () => {
    expect(() => permissionsFor('x', { publishesDurable: ['nowhere.at.all'] })).toThrow(TopologyError);
  });
});

describe('SERVICE_TOPOLOGY', () => {
  it('has a NATS user for every deployable in apps/', () => {
    const apps = readdirSync(APPS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(apps.length).toBeGreaterThan(0);
    expect(apps.filter((app) => !(app in SERVICE_TOPOLOGY))).toEqual([]);
  });

  it('gives no service a full wildcard, the whole JetStream API or stream deletion', () => {
    for (const user of topologyUsers()) {
      if (!user.permissions) continue;
      const all = [...user.permissions.publish, ...user.permissions.subscribe];
      expect(all, user.name).not.toContain('>');
      expect(
        all.filter((s) => s.startsWith('$JS.API.>') || s.startsWith('$JS.>')),
        user.name,
      ).toEqual([]);
      expect(
        all.filter((s) => s.includes('.DELETE.') && !s.includes('CONSUMER')),
        user.name,
      ).toEqual([]);
    }
  });

  it('lets each service publish only its own heartbeat', () => {
    for (const user of topologyUsers()) {
      if (!user.permissions) continue;
      const foreign = user.permissions.publish.filter(
        (s) => s.startsWith('heartbeat.') && s !== `heartbeat.${user.name}`,
      );
      expect(foreign, user.name).toEqual([]);
    }
  });

  it('matches the committed ops/nats files (regenerate after changing the topology)', () => {
    for (const [name, text] of Object.entries(generatedFiles())) {
      expect(readFileSync(join(OPS_NATS_DIR, name), 'utf8'), name).toBe(text);
    }
  });
});

describe('newPassword', () => {
  it('always reads as a plain string in nats-server config (letter first, then lowercase hex)', () => {
    // A base64url password starting with a digit once made the server refuse its $ENV reference.
    for (let i = 0; i < 1_000; i += 1) expect(newPassword()).toMatch(/^p[0-9a-f]{48}$/);
  });
});
