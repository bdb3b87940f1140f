import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// `prisma generate` only checks that a schema-engine binary exists (it never runs it) and otherwise tries to
// download one, which fails offline. Any existing file satisfies the check; migrations use the wasm engine
// (src/migrations), so the binary is never needed.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('./prisma/schema.prisma', import.meta.url));

export default defineConfig({
  schema: fileURLToPath(new URL('./prisma/schema.prisma', import.meta.url)),
  migrations: { path: fileURLToPath(new URL('./prisma/migrations', import.meta.url)) },
  datasource: { url: process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
