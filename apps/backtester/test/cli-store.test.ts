import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrismaClient, pendingMigrations } from '@ats/db';
import { bundledEntry, testServices } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { reportFile } from './support/report-files';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const BASE_NAME = 'backtest-multi-agent-2023-01-01-2023-12-31';

function backtest(databaseUrl: string, out: string, ...flags: string[]) {
  return spawnSync(process.execPath, [...bundledEntry(MAIN), `--out=${out}`, '--no-progress', ...flags], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE__URL: databaseUrl, NATS__URL: 'nats://127.0.0.1:1', NO_COLOR: '1' },
    timeout: 120_000,
  });
}

describe('backtest CLI with Postgres (--store=always)', () => {
  it('stores what it wrote to the files: the JSON report’s fields and the very tear sheet', async () => {
    const { databaseUrl } = testServices();
    const out = mkdtempSync(join(tmpdir(), 'ats-backtest-store-'));
    const run = backtest(databaseUrl, out, '--no-attribution', '--store=always');
    expect(run.status, run.stderr).toBe(0);
    const runId = /stored in Postgres as run (\S+)/.exec(run.stderr)?.[1];
    expect(runId, run.stderr).toBeDefined();
    const json = JSON.parse(readFileSync(reportFile(out, BASE_NAME, 'json'), 'utf8'));
    const html = readFileSync(reportFile(out, BASE_NAME, 'html'), 'utf8');
    const prisma = createPrismaClient(databaseUrl);
    try {
      const stored = await prisma.backtestResult.findUniqueOrThrow({ where: { runId: runId as string } });
      expect(stored.reportHtml).toBe(html);
      expect({
        config: stored.config,
        metrics: stored.metrics,
        equityCurve: stored.equityCurve,
        trades: stored.trades,
      }).toEqual({
        config: json.config,
        metrics: json.metrics,
        equityCurve: json.equityCurve,
        trades: json.trades,
      });
    } finally {
      await prisma.$disconnect();
    }
  });

  it('on a database without the schema: keeps the files, names what is missing, and --store=always refuses first', async () => {
    const { databaseUrl } = testServices();
    const name = `bt_unmigrated_${randomBytes(4).toString('hex')}`;
    const admin = createPrismaClient(databaseUrl);
    await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    try {
      const out = mkdtempSync(join(tmpdir(), 'ats-backtest-unmigrated-'));
      const auto = backtest(
        url.toString(),
        out,
        '--no-attribution',
        '--start=2023-06-01',
        '--end=2023-06-30',
      );
      expect(auto.status, auto.stderr).toBe(0);
      const lacking = await pendingMigrations(url.toString());
      expect(auto.stderr).toContain(
        `not stored in Postgres (${url.toString()} lacks ${lacking.length} of this build's migrations (from ${lacking[0]})); run \`npm run db:migrate\``,
      );
      // Prisma never got to try (its error would name the missing table).
      expect(auto.stderr).not.toMatch(/does not exist|P2021/);
      expect(reportFile(out, 'backtest-multi-agent-2023-06-01-2023-06-30', 'json')).toBeTruthy();

      const always = backtest(
        url.toString(),
        out,
        '--store=always',
        '--start=2023-06-01',
        '--end=2023-06-30',
      );
      expect(always.status).not.toBe(0);
      expect(always.stderr).toContain(`lacks ${lacking.length} of this build's migrations`);
      // Refused before computing: no summary was printed.
      expect(always.stdout).not.toContain('symbol-days');
    } finally {
      await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.$disconnect();
    }
  });
});
