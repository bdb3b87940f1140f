import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createMigrationAdapterFactory, reportCharColumnsAsText } from '../src/migrations/pg-workarounds';
import { ADMIN_DATABASE_URL, databaseExists } from './support/test-database';

const CURRENT_DATABASE = { sql: 'SELECT current_database()', args: [], argTypes: [] };
// What the schema describer selects: pg_constraint.contype is of Postgres' internal "char" type (OID 18).
const CHAR_COLUMN = { sql: `SELECT 'p'::"char" AS contype`, args: [], argTypes: [] };

describe('shadow database factory', () => {
  it('gives the engine a really separate database and drops it once its pool is closed', async () => {
    const factory = createMigrationAdapterFactory(ADMIN_DATABASE_URL);
    const main = await factory.connect();
    const shadow = await factory.connectToShadowDb();
    try {
      const [mainName] = (await main.queryRaw(CURRENT_DATABASE)).rows[0] as [string];
      const [shadowName] = (await shadow.queryRaw(CURRENT_DATABASE)).rows[0] as [string];
      expect(shadowName).not.toBe(mainName);
      expect(shadowName).toMatch(/^ats_shadow_/);
      expect(await databaseExists(shadowName)).toBe(true);

      await shadow.dispose();

      expect(await databaseExists(shadowName)).toBe(false);
    } finally {
      await factory.close();
    }
  });

  it('drops a shadow database the engine never disposed when the factory closes', async () => {
    const factory = createMigrationAdapterFactory(ADMIN_DATABASE_URL);
    const shadow = await factory.connectToShadowDb();
    const [name] = (await shadow.queryRaw(CURRENT_DATABASE)).rows[0] as [string];

    await factory.close();

    expect(await databaseExists(name)).toBe(false);
  });
});

describe('"char" columns', () => {
  it('cannot be read by adapter-pg as released, and read as text once reported as text', async () => {
    const adapter = await new PrismaPg({ connectionString: ADMIN_DATABASE_URL }).connect();
    try {
      await expect(adapter.queryRaw(CHAR_COLUMN)).rejects.toMatchObject({
        cause: { kind: 'UnsupportedNativeDataType' },
      });

      reportCharColumnsAsText();
      const resultPrototype = pg.Result.prototype as unknown as { addFields: unknown };
      const patched = resultPrototype.addFields;
      reportCharColumnsAsText();
      expect(resultPrototype.addFields).toBe(patched); // idempotent: wrapped once only

      const result = await adapter.queryRaw(CHAR_COLUMN);
      expect(result.rows).toEqual([['p']]);
      expect(result.columnTypes).toEqual([ColumnTypeEnum.Text]);
    } finally {
      await adapter.dispose();
    }
  });
});
