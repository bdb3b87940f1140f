import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subjects } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { codeUsage } from './code-usage';
import {
  ensureCredentials,
  generatedFiles,
  KnownPasswordError,
  OPS_NATS_DIR,
  topologyUsers,
} from './generate';
import { auditGrants, subjectsOverlap } from './grant-audit';
import { inboxFor, permissionsFor, TopologyError } from './permissions';
import {
  isKnownPassword,
  newPassword,
  parseEnvFile,
  passwordVariable,
  renderCredentials,
} from './server-config';
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
    expect(p.subscribe).toEqual(['_INBOX_worker.>', 'job.run']);
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
    expect(p.publish.filter((s) => s.startsWith('_INBOX'))).toEqual([]);
  });

  it('lets a service read a stream’s configuration, never create or change it', () => {
    const p = permissionsFor('agent', { checksStreams: ['DECISIONS'], publishesDurable: ['decision.x.>'] });
    expect(p.publish).toContain('$JS.API.STREAM.INFO.DECISIONS');
    expect(p.publish.filter((s) => s.startsWith('$JS.API.STREAM.') && !s.includes('.INFO.'))).toEqual([]);
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

  it('lets only the operator create, change or delete streams (a service only its private KV cache)', () => {
    for (const user of topologyUsers()) {
      if (!user.permissions) continue;
      const managing = user.permissions.publish.filter((s) =>
        /^\$JS\.API\.STREAM\.(CREATE|UPDATE|DELETE|PURGE)\./.test(s),
      );
      expect(
        managing.filter((s) => !s.endsWith('.KV_market_data_cache')),
        user.name,
      ).toEqual([]);
    }
  });

  it('gives each service its own reply inbox prefix and nobody the shared _INBOX.>', () => {
    for (const user of topologyUsers()) {
      if (!user.permissions) continue;
      const inboxes = user.permissions.subscribe.filter((s) => s.startsWith('_INBOX'));
      expect(inboxes, user.name).toEqual(inboxes.length === 0 ? [] : [inboxFor(user.name)]);
      expect(inboxFor(user.name)).toBe(`_INBOX_${user.name}.>`);
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

describe('grants against code (no grant wider than use)', () => {
  it('grants each service exactly the subjects and streams its code names', () => {
    expect(auditGrants(SERVICE_TOPOLOGY, (service) => codeUsage(service))).toEqual([]);
  });

  it('finds a planted grant that no code uses', () => {
    const technical = SERVICE_TOPOLOGY['technical-agent'];
    const planted = {
      ...SERVICE_TOPOLOGY,
      'technical-agent': { ...technical, requests: [...technical.requests, Subjects.quoteRequest] },
    };
    expect(auditGrants(planted, (service) => codeUsage(service))).toEqual([
      { service: 'technical-agent', kind: 'unused-grant', what: 'md.quote.get' },
    ]);
  });

  it('finds a subject the code uses but nothing grants', () => {
    const plantedFile = {
      path: 'apps/technical-agent/src/planted.ts',
      text: "import { Subjects } from '@ats/contracts';\nexport const sneaky = Subjects.orderSubmit('AAPL');\n",
    };
    const usage = (service: string) => codeUsage(service, service === 'technical-agent' ? [plantedFile] : []);
    expect(auditGrants(SERVICE_TOPOLOGY, usage)).toEqual([
      { service: 'technical-agent', kind: 'ungranted', what: 'order.submit.*', files: [plantedFile.path] },
    ]);
  });

  it('follows imports through a library index to the file that names the subject', () => {
    // The technical agent names no order subject itself: importing the paper broker's channels does.
    const plantedFile = {
      path: 'apps/technical-agent/src/planted.ts',
      text: "import { orderChannels } from '@ats/paper-broker';\nexport const c = orderChannels();\n",
    };
    const subjects = [...codeUsage('technical-agent', [plantedFile]).subjects.keys()];
    expect(subjects).toEqual(expect.arrayContaining(['order.submit.*', 'order.filled.*']));
    expect([...codeUsage('technical-agent').subjects.keys()]).not.toContain('order.submit.*');
  });

  it('matches wildcards the way the server does', () => {
    expect(subjectsOverlap('decision.*.*', 'decision.risk.>')).toBe(true);
    expect(subjectsOverlap('heartbeat.>', 'heartbeat.orchestrator')).toBe(true);
    expect(subjectsOverlap('md.bar.*.*', 'md.history.get')).toBe(false);
    expect(subjectsOverlap('order.>', 'order')).toBe(false);
  });
});

describe('known passwords', () => {
  const examples = parseEnvFile(readFileSync(join(OPS_NATS_DIR, 'credentials.example.env'), 'utf8'));

  it('counts every password of credentials.example.env as known, never a generated one', () => {
    expect(examples.size).toBe(topologyUsers().length);
    for (const password of examples.values()) expect(isKnownPassword(password), password).toBe(true);
    expect(isKnownPassword(newPassword())).toBe(false);
  });

  it('replaces example passwords when generating, keeping good ones', () => {
    const users = topologyUsers().map((u) => u.name);
    const good = newPassword();
    const existing = new Map(examples);
    existing.set(passwordVariable('orchestrator'), good);
    const written = parseEnvFile(renderCredentials(users, existing, new Set()));
    expect(written.get(passwordVariable('orchestrator'))).toBe(good);
    for (const user of users.filter((u) => u !== 'orchestrator'))
      expect(isKnownPassword(written.get(passwordVariable(user)) as string), user).toBe(false);
  });

  it('refuses to start from a copied credentials.example.env, and generates a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ats-nats-credentials-'));
    try {
      const copied = join(dir, 'copied.env');
      writeFileSync(copied, readFileSync(join(OPS_NATS_DIR, 'credentials.example.env'), 'utf8'));
      expect(() => ensureCredentials(copied)).toThrow(KnownPasswordError);
      const fresh = ensureCredentials(join(dir, 'fresh.env'));
      expect(fresh.size).toBe(topologyUsers().length);
      for (const password of fresh.values()) expect(isKnownPassword(password)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the unauthenticated monitoring port on loopback in the committed server config', () => {
    const config = readFileSync(join(OPS_NATS_DIR, 'nats-server.conf'), 'utf8');
    expect(config).toMatch(/^http: "127\.0\.0\.1:8222"$/m);
  });
});
