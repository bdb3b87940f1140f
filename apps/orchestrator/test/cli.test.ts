import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPrismaClient } from '@ats/db';
import { bundledEntry, testServices, uniqueName } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { dropNamespace } from './support';

const run = promisify(execFile);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [...bundledEntry('src/cli.ts'), ...args], {
    cwd: appDir,
    env: { ...process.env, ...env },
  });
type Failure = { code: number; stdout: string; stderr: string };

describe('orchestrator run CLI', () => {
  it('answers --help with its usage on stdout and exit 0 (nothing on stderr)', async () => {
    const { stdout, stderr } = await cli(['--', '--help']);
    expect(stdout).toMatch(/^usage: orchestrator run --symbols=/);
    expect(stderr).toBe('');
  });

  it('refuses an unknown flag with one line on stderr and exit 2', async () => {
    const failure = (await cli(['--bogus']).catch((e: unknown) => e)) as Failure;
    expect(failure.code).toBe(2);
    expect(failure.stderr.trim().split('\n')).toEqual([
      "orchestrator run: Unknown option '--bogus' (--help for usage)",
    ]);
  });

  it('runs a paper replay on a fresh, empty database without a prior db:migrate', async () => {
    const { databaseUrl, natsUrl } = testServices();
    const name = uniqueName('orch_fresh')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_');
    const admin = createPrismaClient(databaseUrl);
    await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const namespace = uniqueName('orchfresh');
    try {
      const { stdout, stderr } = await cli(
        [
          '--symbols=AAPL',
          '--replay-from=2023-01-03',
          '--replay-to=2023-01-05',
          '--mode=paper',
          '--json',
          `--namespace=${namespace}`,
        ],
        { DATABASE__URL: url.toString(), NATS__URL: natsUrl },
      );
      const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { type: string };
      expect(summary.type).toBe('summary');
      expect(stderr).not.toMatch(/P2021|does not exist|\n\s+at /);
    } finally {
      await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.$disconnect();
      await dropNamespace(natsUrl, namespace);
    }
  });

  it('ends a run whose window holds no bars as failed, with a message and exit 2 (never completed with 0 cycles)', async () => {
    const { databaseUrl, natsUrl } = testServices();
    const namespace = uniqueName('orchempty');
    const runId = uniqueName('empty').replace(/[^A-Za-z0-9_-]/g, '_');
    const prisma = createPrismaClient(databaseUrl);
    try {
      const failure = (await cli(
        [
          '--symbols=AAPL',
          '--replay-from=1980-01-02',
          '--replay-to=1980-03-31',
          '--mode=paper',
          '--json',
          `--run-id=${runId}`,
          `--namespace=${namespace}`,
        ],
        { DATABASE__URL: databaseUrl, NATS__URL: natsUrl },
      ).catch((e: unknown) => e)) as Failure;
      expect(failure.code).toBe(2);
      expect(failure.stderr).toMatch(/no bars of AAPL from 1980-01-02 to 1980-03-31: nothing to replay/);
      const run = await prisma.run.findUnique({ where: { id: runId } });
      expect(run?.status).toBe('failed');
    } finally {
      await prisma.$disconnect();
      await dropNamespace(natsUrl, namespace);
    }
  });

  it('refuses a symbol with no data with exit 2 and leaves no run marked running', async () => {
    const { databaseUrl, natsUrl } = testServices();
    const namespace = uniqueName('orchnosym');
    const runId = uniqueName('nosym').replace(/[^A-Za-z0-9_-]/g, '_');
    const prisma = createPrismaClient(databaseUrl);
    try {
      const failure = (await cli(
        [
          '--symbols=ZZZQX',
          '--replay-from=2023-01-03',
          '--replay-to=2023-01-31',
          '--mode=paper',
          `--run-id=${runId}`,
          `--namespace=${namespace}`,
        ],
        { DATABASE__URL: databaseUrl, NATS__URL: natsUrl, DATA__DOWNLOAD: 'off' },
      ).catch((e: unknown) => e)) as Failure;
      expect(failure.code).toBe(2);
      expect(failure.stderr).toMatch(/ZZZQX/);
      const run = await prisma.run.findUnique({ where: { id: runId } });
      expect(run === null || run.status === 'failed').toBe(true);
    } finally {
      await prisma.$disconnect();
      await dropNamespace(natsUrl, namespace);
    }
  });

  it('counts degraded cycles in the summary and exits 1 past the allowed share', async () => {
    const { databaseUrl, natsUrl } = testServices();
    // Remote agents in a namespace nobody serves: every cycle runs without them.
    const namespace = uniqueName('orchdegraded');
    try {
      const failure = (await cli(
        [
          '--symbols=AAPL',
          '--replay-from=2023-01-03',
          '--replay-to=2023-01-05',
          '--mode=paper',
          '--agents=remote',
          '--agent-timeout-ms=500',
          '--max-degraded-share=0.5',
          '--json',
          `--namespace=${namespace}`,
        ],
        { DATABASE__URL: databaseUrl, NATS__URL: natsUrl },
      ).catch((e: unknown) => e)) as Failure;
      expect(failure.code).toBe(1);
      const summary = JSON.parse(failure.stdout.trim().split('\n').at(-1) ?? '{}');
      expect(summary).toMatchObject({
        type: 'summary',
        degraded: { cycles: 3, degradedCycles: 3, share: 1, maxShare: 0.5, failed: true },
      });
      expect(failure.stderr).toMatch(/3 of 3 cycles ran degraded \(100\.0% > 50\.0%/);
    } finally {
      await dropNamespace(natsUrl, namespace);
    }
  });
});
