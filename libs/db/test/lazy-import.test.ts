import pg from 'pg';
import { expect, it } from 'vitest';

it('importing @ats/db leaves pg unpatched (the migration workarounds load only with a migration call)', async () => {
  const db = await import('../src/index');

  expect(typeof db.createPrismaClient).toBe('function');
  expect(typeof db.deployMigrations).toBe('function');
  expect(
    (pg.Result.prototype as unknown as Record<symbol, unknown>)[Symbol.for('@ats/db.charOidAsText')],
  ).toBe(undefined);
});
