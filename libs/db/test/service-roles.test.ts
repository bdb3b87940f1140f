import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPrismaClient,
  deployMigrations,
  ExamplePasswordError,
  ensureMigrations,
  insertDecisionRows,
  type PrismaClient,
  provisionServiceRoles,
  refuseExamplePassword,
  SERVICE_GRANTS,
  serviceDatabaseUrl,
  serviceRoleName,
} from '../src/index';
import { scramVerifier } from '../src/roles/scram';
import { adminQuery, createTestDatabase, type TestDatabase } from './support/test-database';

const T0 = new Date('2026-03-02T14:30:00.000Z');
/** SQLSTATE insufficient_privilege. */
const PERMISSION_DENIED = '42501';

/** `databaseUrl` as `role` (the local cluster trusts loopback). */
function asRole(databaseUrl: string, role: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  return url.toString();
}

/** The SQLSTATE a statement fails with under `databaseUrl`, or 'ok'. */
async function outcome(databaseUrl: string, sql: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end();
  }
}

describe('one Postgres role per service', () => {
  let database: TestDatabase;
  let tables: string[];
  beforeAll(async () => {
    database = await createTestDatabase('roles');
    const { serviceRoles } = await deployMigrations({ databaseUrl: database.url });
    expect(serviceRoles).toEqual({
      provisioned: true,
      roles: Object.keys(SERVICE_GRANTS).map(serviceRoleName),
      changed: true,
    });
    tables = (
      await adminQuery<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
        [],
        database.url,
      )
    ).map((row) => row.name);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('names only tables the schema has, and every table has a service that writes it', () => {
    const granted = new Set(Object.values(SERVICE_GRANTS).flatMap((grants) => Object.keys(grants)));
    expect([...granted].filter((table) => !tables.includes(table))).toEqual([]);
    const written = new Set(
      Object.values(SERVICE_GRANTS).flatMap((grants) =>
        Object.entries(grants)
          .filter(([, privileges]) => privileges.includes('INSERT'))
          .map(([table]) => table),
      ),
    );
    expect(tables.filter((table) => !written.has(table))).toEqual([]);
  });

  it('gives the technical agent its decisions and the LLM cache, and no other table', async () => {
    const url = serviceDatabaseUrl(database.url, 'technical-agent');
    const denied: string[] = [];
    for (const table of tables) {
      const read = await outcome(url, `SELECT 1 FROM "${table}" LIMIT 1`);
      const write = await outcome(url, `INSERT INTO "${table}" DEFAULT VALUES`);
      if (read === PERMISSION_DENIED && write === PERMISSION_DENIED) denied.push(table);
    }
    expect(tables.filter((table) => !denied.includes(table)).sort()).toEqual([
      'decisions',
      'llm_cache_entries',
    ]);

    // What the probe did with the superuser URL: issue itself an admin key. Refused.
    const prisma = createPrismaClient(url);
    try {
      const error = await prisma.apiKey
        .create({ data: { name: 'probe', prefix: 'ats_probe', hash: 'x', scopes: ['admin'] } })
        .catch((e: unknown) => e);
      expect(String(error)).toMatch(/permission denied|42501/i);
      await prisma.decision.createMany({
        data: [
          {
            correlationId: 'c-1',
            agent: 'technical',
            symbol: 'AAPL',
            signal: 'BUY',
            confidence: 0.7,
            reasoning: 'RSI 28 and price above the 200-day average',
            supportingData: {},
            decidedAt: T0,
          },
        ],
      });
      // The agents' decision sink writes with one raw INSERT (ADR 0026): the same grant covers it.
      await expect(
        insertDecisionRows(prisma, [
          {
            correlationId: 'c-2',
            agent: 'technical',
            symbol: 'MSFT',
            signal: 'HOLD',
            confidence: 0.5,
            reasoning: 'no trend',
            supportingData: { rsi: 51 },
            inputs: { bars: 60 },
            decidedAt: T0,
          },
        ]),
      ).resolves.toBe(1);
      await expect(prisma.decision.count()).resolves.toBe(2);
      await expect(prisma.decision.deleteMany({})).rejects.toThrow(/permission denied|42501/i);
    } finally {
      await prisma.$disconnect();
    }
    // No role management, no DDL.
    expect(await outcome(url, 'CREATE TABLE planted (id int)')).toBe(PERMISSION_DENIED);
    expect(await outcome(url, 'CREATE ROLE planted')).toBe(PERMISSION_DENIED);
    expect(await outcome(url, 'DROP TABLE api_keys')).toBe(PERMISSION_DENIED);
  });

  it('lets the orchestrator keep a paper book: run, cash, orders, fills, positions, snapshots, decisions', async () => {
    const prisma: PrismaClient = createPrismaClient(serviceDatabaseUrl(database.url, 'orchestrator'));
    try {
      const run = await prisma.run.create({
        data: { kind: 'paper', config: {}, startedAt: T0, portfolio: { create: { cash: 100_000 } } },
      });
      const order = await prisma.order.create({
        data: {
          clientOrderId: `paper-${run.id}-1`,
          runId: run.id,
          correlationId: 'c-1',
          symbol: 'AAPL',
          side: 'BUY',
          type: 'MARKET',
          quantity: 10,
          submittedAt: T0,
        },
      });
      await prisma.$transaction(async (tx) => {
        await tx.fill.create({
          data: {
            executionId: `x-${run.id}`,
            orderId: order.id,
            symbol: 'AAPL',
            side: 'BUY',
            quantity: 10,
            price: 150,
            filledAt: T0,
          },
        });
        await tx.portfolio.updateMany({
          where: { runId: run.id, version: 0 },
          data: { cash: 98_500, version: { increment: 1 } },
        });
        await tx.position.create({
          data: { runId: run.id, symbol: 'AAPL', quantity: 10, averagePrice: 150 },
        });
        await tx.position.updateMany({
          where: { runId: run.id, symbol: 'AAPL' },
          data: { version: { increment: 1 } },
        });
        await tx.order.updateMany({ where: { id: order.id }, data: { status: 'FILLED' } });
      });
      await prisma.portfolioSnapshot.create({
        data: {
          runId: run.id,
          correlationId: 'c-1',
          takenAt: T0,
          cash: 98_500,
          equity: 100_000,
          positions: [],
        },
      });
      const decision = {
        runId: run.id,
        correlationId: 'c-1',
        agent: 'portfolio',
        symbol: 'AAPL',
        signal: 'BUY' as const,
        confidence: 0.6,
        reasoning: 'team consensus',
        supportingData: {},
        decidedAt: T0,
      };
      await prisma.$transaction([
        prisma.decision.deleteMany({ where: { runId: run.id, correlationId: 'c-1' } }),
        prisma.decision.createMany({ data: [decision] }),
      ]);
      await prisma.run.update({ where: { id: run.id }, data: { status: 'completed', finishedAt: T0 } });
      const book = await prisma.run.findUnique({
        where: { id: run.id },
        include: { portfolio: true, positions: true, orders: { include: { fills: true } }, snapshots: true },
      });
      expect(book).toMatchObject({
        status: 'completed',
        portfolio: { cash: 98_500 },
        positions: [{ symbol: 'AAPL', quantity: 10 }],
        orders: [{ status: 'FILLED', fills: [{ price: 150 }] }],
        snapshots: [{ equity: 100_000 }],
      });
      await expect(prisma.apiKey.findMany()).rejects.toThrow(/permission denied|42501/i);
      await expect(prisma.bar.findMany()).rejects.toThrow(/permission denied|42501/i);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("lets a service's own connection see that the schema is current, and provision nothing", async () => {
    const url = serviceDatabaseUrl(database.url, 'api-gateway');
    const result = await ensureMigrations({ databaseUrl: url });
    expect(result.applied).toEqual([]);
    expect(result.serviceRoles).toMatchObject({ provisioned: false });
  });

  it('provisions again, concurrently, to the same grants (idempotent)', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => provisionServiceRoles({ databaseUrl: database.url })),
    );
    expect(results.every((r) => r.provisioned)).toBe(true);
    const grants = await adminQuery<{ table: string; privileges: string }>(
      `SELECT table_name AS table, string_agg(privilege_type, ',' ORDER BY privilege_type) AS privileges
         FROM information_schema.role_table_grants WHERE grantee = $1 GROUP BY table_name ORDER BY table_name`,
      [serviceRoleName('data-gateway')],
      database.url,
    );
    expect(grants).toEqual([
      { table: '_prisma_migrations', privileges: 'SELECT' },
      { table: 'bars', privileges: 'INSERT,SELECT' },
      { table: 'provider_calls', privileges: 'INSERT,SELECT' },
    ]);
  });

  it('creates a new role from several databases of the cluster at once', async () => {
    const service = `race-${randomBytes(4).toString('hex')}`;
    const role = serviceRoleName(service);
    const grants = { [service]: { decisions: ['SELECT'] as const } };
    const others = await Promise.all([1, 2].map(() => createTestDatabase('roles_race')));
    const databases = [database, ...others];
    try {
      for (const db of others) await deployMigrations({ databaseUrl: db.url });
      const results = await Promise.all(
        databases.map((db) => provisionServiceRoles({ databaseUrl: db.url, grants })),
      );
      expect(results.map((r) => r.provisioned)).toEqual([true, true, true]);
      for (const db of databases)
        expect(await outcome(asRole(db.url, role), 'SELECT 1 FROM decisions')).toBe('ok');
    } finally {
      for (const db of databases) await adminQuery(`DROP OWNED BY ${role}`, [], db.url);
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
      for (const db of others) await db.drop();
    }
  });

  it('changes nothing when the grants are current, and takes back a planted one', async () => {
    await expect(provisionServiceRoles({ databaseUrl: database.url })).resolves.toMatchObject({
      changed: false,
    });
    await adminQuery(`GRANT INSERT ON api_keys TO ${serviceRoleName('technical-agent')}`, [], database.url);
    const url = serviceDatabaseUrl(database.url, 'technical-agent');
    expect(
      await outcome(url, "INSERT INTO api_keys (id, name, prefix, hash) VALUES ('k', 'k', 'k', 'k')"),
    ).toBe('ok');
    await expect(provisionServiceRoles({ databaseUrl: database.url })).resolves.toMatchObject({
      changed: true,
    });
    expect(
      await outcome(url, "INSERT INTO api_keys (id, name, prefix, hash) VALUES ('k2', 'k2', 'k2', 'k2')"),
    ).toBe(PERMISSION_DENIED);
  });

  it('sets a password as the SCRAM verifier Postgres itself computes', async () => {
    const role = serviceRoleName('backtester');
    const verifierOf = async () =>
      (
        await adminQuery<{ verifier: string }>(
          'SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = $1',
          [role],
        )
      )[0]?.verifier ?? '';
    const saltOf = (verifier: string) => Buffer.from(verifier.split('$')[1]?.split(':')[1] ?? '', 'base64');
    const password = randomBytes(18).toString('base64url');
    // Postgres's own verifier for the password (set in clear by the admin), then ours with its salt.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query("SET password_encryption = 'scram-sha-256'");
      await client.query(`ALTER ROLE ${role} PASSWORD '${password}'`);
    } finally {
      await client.end();
    }
    const postgres = await verifierOf();
    expect(postgres).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(scramVerifier(password, saltOf(postgres))).toBe(postgres);

    await provisionServiceRoles({
      databaseUrl: database.url,
      passwords: new Map([['backtester', password]]),
    });
    const ours = await verifierOf();
    expect(ours).not.toBe(postgres); // a fresh salt
    expect(ours).toBe(scramVerifier(password, saltOf(ours)));
  });

  it('refuses example and short passwords, for the owner and for a service', async () => {
    for (const known of ['postgres', 'change-me-orchestrator', 'short'])
      expect(() => refuseExamplePassword('POSTGRES_PASSWORD', known)).toThrow(ExamplePasswordError);
    expect(() => refuseExamplePassword('POSTGRES_PASSWORD', randomBytes(24).toString('hex'))).not.toThrow();
    expect(() => refuseExamplePassword('POSTGRES_PASSWORD', undefined)).not.toThrow();
    await expect(
      provisionServiceRoles({
        databaseUrl: database.url,
        passwords: new Map([['orchestrator', 'postgres']]),
      }),
    ).rejects.toThrow(/POSTGRES_PASSWORD_ORCHESTRATOR/);
  });
});
