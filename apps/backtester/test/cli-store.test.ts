import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrismaClient } from '@ats/db';
import { bundledEntry, testServices } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { reportFile } from './support/report-files';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const BASE_NAME = 'backtest-multi-agent-2023-01-01-2023-12-31';

describe('backtest CLI with Postgres (--store=always)', () => {
  it('stores what it wrote to the files: the JSON report’s fields and the very tear sheet', async () => {
    const { databaseUrl } = testServices();
    const out = mkdtempSync(join(tmpdir(), 'ats-backtest-store-'));
    const run = spawnSync(
      process.execPath,
      [...bundledEntry(MAIN), `--out=${out}`, '--no-progress', '--no-attribution', '--store=always'],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE__URL: databaseUrl, NATS__URL: 'nats://127.0.0.1:1', NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
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
});
