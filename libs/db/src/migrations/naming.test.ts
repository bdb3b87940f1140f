import { describe, expect, it } from 'vitest';
import { migrationSlug, migrationTimestamp } from './migrate';
import { withDatabase } from './pg-workarounds';

describe('migration folder names', () => {
  it('slugs a name like prisma migrate dev --name', () => {
    expect(migrationSlug('  Add Fill venue! ')).toBe('add_fill_venue');
    expect(migrationSlug('orders.status-index')).toBe('orders_status_index');
    expect(() => migrationSlug(' -- ')).toThrow(/no letters or digits/);
  });

  it('stamps UTC time as YYYYMMDDHHMMSS whatever the local zone', () => {
    expect(migrationTimestamp(new Date('2026-01-09T23:05:07.999+05:00'))).toBe('20260109180507');
  });
});

describe('withDatabase', () => {
  it('keeps host, credentials and parameters and swaps only the database', () => {
    expect(withDatabase('postgresql://u:p%40ss@db.example:6543/live?sslmode=require', 'shadow_1')).toBe(
      'postgresql://u:p%40ss@db.example:6543/shadow_1?sslmode=require',
    );
  });
});
