/**
 * Two work-arounds for @prisma/adapter-pg 7.10 when it drives the wasm schema engine (see
 * docs/adr/0003-offline-prisma-migrations.md). Only the migration tool loads this module.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const PATCHED = Symbol.for('@ats/db.charOidAsText');

interface FieldDescription {
  dataTypeID: number;
}
type PatchableResult = {
  addFields(fields: FieldDescription[]): void;
  [PATCHED]?: true;
};

/**
 * The adapter cannot map Postgres' internal `"char"` type (OID 18), which the schema describer selects
 * (`pg_constraint.contype`), so every describe fails. Report those columns as text: the value is already a
 * one-character string. Process-wide and idempotent; only the migration process calls it.
 */
export function reportCharColumnsAsText(): void {
  const prototype = pg.Result.prototype as unknown as PatchableResult;
  if (prototype[PATCHED]) return;
  const addFields = prototype.addFields;
  prototype.addFields = function addFieldsWithCharAsText(this: PatchableResult, fields) {
    for (const field of fields) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    addFields.call(this, fields);
  };
  prototype[PATCHED] = true;
}

/** The same connection string pointing at another database on the same server (keeps host, auth, ssl params). */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function runAdminStatement(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Close every pool the engine opened and drop any shadow database it did not dispose. */
  close(): Promise<void>;
}

/**
 * Adapter factory for the schema engine. adapter-pg's own `connectToShadowDb()` is unsafe: with a connection
 * string the "shadow" database is really the main one (pg lets the string win over `database`), and with a
 * config object it drops the shadow database before closing its pool, so the drop fails and it leaks. Here
 * the shadow database gets a random name in its own connection string and is dropped WITH (FORCE) after its
 * pool has closed. Needs CREATEDB rights.
 */
export function createMigrationAdapterFactory(databaseUrl: string): MigrationAdapterFactory {
  // The engine disposes adapters itself, sometimes without awaiting (on free()); close() waits for those too.
  const adapters = new Set<SqlDriverAdapter>();
  const shadowDatabases = new Set<string>();

  const track = (adapter: SqlDriverAdapter, afterClose?: () => Promise<void>): SqlDriverAdapter => {
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => {
      disposed ??= (async () => {
        try {
          await dispose();
        } finally {
          await afterClose?.();
        }
      })();
      return disposed;
    };
    adapters.add(adapter);
    return adapter;
  };

  const dropShadowDatabase = async (name: string): Promise<void> => {
    if (!shadowDatabases.delete(name)) return;
    await runAdminStatement(databaseUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  };

  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect() {
      return track(await new PrismaPg({ connectionString: databaseUrl }).connect());
    },
    async connectToShadowDb() {
      const name = `ats_shadow_${randomUUID().replaceAll('-', '')}`;
      await runAdminStatement(databaseUrl, `CREATE DATABASE ${quoteIdentifier(name)}`);
      shadowDatabases.add(name);
      const adapter = await new PrismaPg({ connectionString: withDatabase(databaseUrl, name) }).connect();
      return track(adapter, () => dropShadowDatabase(name));
    },
    async close() {
      const results = await Promise.allSettled([...adapters].map((adapter) => adapter.dispose()));
      adapters.clear();
      results.push(...(await Promise.allSettled([...shadowDatabases].map(dropShadowDatabase))));
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}
