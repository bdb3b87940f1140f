import { systemClock } from '@ats/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../src/auth/audit';
import { ApiKeyStore } from '../src/auth/key-store';
import { runKeysCommand } from '../src/cli/keys-command';
import { bearer, type Gateway, startGateway } from './support';

let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway({ corsOrigins: ['https://desk.example'] });
});
afterAll(async () => gateway?.close());

describe('authentication and scopes', () => {
  it('answers 401 without a key, with a malformed key and with an unknown key', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer nonsense' },
      { authorization: `Bearer ats_000000000000_${'A'.repeat(43)}` },
      { authorization: 'Basic abc' },
    ]) {
      const response = await gateway.app.inject({ url: '/v1/agents', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('accepts the key as Bearer or x-api-key', async () => {
    expect(
      (await gateway.app.inject({ url: '/v1/agents', headers: bearer(gateway.keys.read) })).statusCode,
    ).toBe(200);
    expect(
      (await gateway.app.inject({ url: '/v1/agents', headers: { 'x-api-key': gateway.keys.read } }))
        .statusCode,
    ).toBe(200);
  });

  it('refuses a secret that does not match the prefix', async () => {
    const [, prefix] = gateway.keys.read.split('_');
    const forged = `ats_${prefix}_${'B'.repeat(43)}`;
    expect((await gateway.app.inject({ url: '/v1/agents', headers: bearer(forged) })).statusCode).toBe(401);
  });

  it('answers 403 when the scope is missing; admin implies trade implies read', async () => {
    const analyze = (key: string) =>
      gateway.app.inject({
        method: 'POST',
        url: '/v1/analyze',
        headers: bearer(key),
        payload: { symbols: ['AAPL'] },
      });
    const denied = await analyze(gateway.keys.read);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().message).toMatch(/'trade' scope/);
    expect(
      (await gateway.app.inject({ url: '/v1/keys', headers: bearer(gateway.keys.trade) })).statusCode,
    ).toBe(403);
    expect(
      (await gateway.app.inject({ url: '/v1/keys', headers: bearer(gateway.keys.admin) })).statusCode,
    ).toBe(200);
    expect(
      (await gateway.app.inject({ url: '/v1/agents', headers: bearer(gateway.keys.admin) })).statusCode,
    ).toBe(200);
  });

  it('audits a refused mutating call with the key as actor', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(gateway.keys.read),
      payload: { name: 'sneaky', scopes: ['admin'] },
    });
    expect(response.statusCode).toBe(403);
    const events = await gateway.db.auditEvent.findMany({
      where: { actor: gateway.keyIds.read, action: 'api-key.create' },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ statusCode: 403 });
  });
});

describe('key administration', () => {
  it('creates, lists, rotates and revokes keys, auditing each change', async () => {
    const created = await gateway.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(gateway.keys.admin),
      payload: { name: 'desk', scopes: ['read', 'trade'] },
    });
    expect(created.statusCode).toBe(201);
    const issued = created.json();
    expect(issued.key).toMatch(/^ats_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(issued.key.startsWith(`ats_${issued.prefix}_`)).toBe(true);
    const row = await gateway.db.apiKey.findUniqueOrThrow({ where: { id: issued.id } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    // The whole secret after the prefix: base64url has '_' too, so split('_') could leave a fragment short enough
    // to turn up in the row by chance (this test failed that way once).
    const secret = issued.key.slice(`ats_${issued.prefix}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(row)).not.toContain(secret);

    const list = (await gateway.app.inject({ url: '/v1/keys', headers: bearer(gateway.keys.admin) })).json();
    const listed = list.keys.find((k: { id: string }) => k.id === issued.id);
    expect(listed).toMatchObject({ name: 'desk', scopes: ['read', 'trade'], revokedAt: null });
    expect(listed.key).toBeUndefined();
    expect(JSON.stringify(list)).not.toMatch(/"hash"/);

    expect((await gateway.app.inject({ url: '/v1/agents', headers: bearer(issued.key) })).statusCode).toBe(
      200,
    );

    const rotated = await gateway.app.inject({
      method: 'POST',
      url: `/v1/keys/${issued.id}/rotate`,
      headers: bearer(gateway.keys.admin),
    });
    expect(rotated.statusCode).toBe(200);
    const newKey = rotated.json().key;
    expect(rotated.json().id).toBe(issued.id);
    expect(newKey).not.toBe(issued.key);
    expect((await gateway.app.inject({ url: '/v1/agents', headers: bearer(issued.key) })).statusCode).toBe(
      401,
    );
    expect((await gateway.app.inject({ url: '/v1/agents', headers: bearer(newKey) })).statusCode).toBe(200);

    const revoked = await gateway.app.inject({
      method: 'POST',
      url: `/v1/keys/${issued.id}/revoke`,
      headers: bearer(gateway.keys.admin),
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await gateway.app.inject({ url: '/v1/agents', headers: bearer(newKey) })).statusCode).toBe(401);
    const again = await gateway.app.inject({
      method: 'POST',
      url: `/v1/keys/${issued.id}/rotate`,
      headers: bearer(gateway.keys.admin),
    });
    expect(again.statusCode).toBe(409);

    const audit = await gateway.db.auditEvent.findMany({ where: { subject: issued.id } });
    // Sorted: two changes within one millisecond have no defined order by time.
    expect(audit.map((e) => e.action).sort()).toEqual([
      'api-key.create',
      'api-key.revoke',
      'api-key.rotate',
      'api-key.rotate',
    ]);
    expect(audit.every((e) => e.actor === gateway.keyIds.admin)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(newKey);
  });

  it('answers 404 for an unknown key id and 400 with field messages for a bad body', async () => {
    const missing = await gateway.app.inject({
      method: 'POST',
      url: '/v1/keys/nope/revoke',
      headers: bearer(gateway.keys.admin),
    });
    expect(missing.statusCode).toBe(404);
    const bad = await gateway.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(gateway.keys.admin),
      payload: { name: '', scopes: ['superuser'] },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.scopes.0']));
  });

  it('the CLI creates, lists, rotates and revokes keys straight in Postgres', async () => {
    const store = new ApiKeyStore(gateway.db, systemClock);
    const audit = new AuditLog(gateway.db, systemClock);
    const created = (await runKeysCommand(
      ['create', '--name=ops', '--scopes=read,admin'],
      store,
      audit,
      'cli:test',
    )) as unknown as {
      id: string;
      key: string;
    };
    expect((await gateway.app.inject({ url: '/v1/keys', headers: bearer(created.key) })).statusCode).toBe(
      200,
    );
    const listed = (await runKeysCommand(['list'], store, audit, 'cli:test')) as { keys: { id: string }[] };
    expect(listed.keys.some((k) => k.id === created.id)).toBe(true);
    await runKeysCommand(['revoke', created.id], store, audit, 'cli:test');
    expect(await store.authenticate(created.key)).toBeUndefined();
    await expect(
      runKeysCommand(['create', '--name=x', '--scopes=root'], store, audit, 'cli:test'),
    ).rejects.toThrow(/unknown scope/);
    const actions = await gateway.db.auditEvent.findMany({
      where: { actor: 'cli:test', subject: created.id },
    });
    expect(actions.map((a) => a.action).sort()).toEqual(['api-key.create', 'api-key.revoke']);
  });
});

describe('rate limit and CORS', () => {
  it('limits each key separately and answers 429 with the limit', async () => {
    const limited = await startGateway({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        codes.push(
          (await limited.app.inject({ url: '/v1/agents', headers: bearer(limited.keys.read) })).statusCode,
        );
      }
      expect(codes).toEqual([200, 200, 200, 429]);
      const refused = await limited.app.inject({ url: '/v1/agents', headers: bearer(limited.keys.read) });
      expect(refused.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(refused.headers['retry-after']).toBeDefined();
      // Another key has its own budget; health checks are never limited.
      expect(
        (await limited.app.inject({ url: '/v1/agents', headers: bearer(limited.keys.trade) })).statusCode,
      ).toBe(200);
      for (let i = 0; i < 5; i++) expect((await limited.app.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers CORS preflights for configured origins only', async () => {
    const allowed = await gateway.app.inject({
      method: 'OPTIONS',
      url: '/v1/agents',
      headers: { origin: 'https://desk.example', 'access-control-request-method': 'GET' },
    });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://desk.example');
    const other = await gateway.app.inject({
      method: 'OPTIONS',
      url: '/v1/agents',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
