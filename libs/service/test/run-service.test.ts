import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseExposition, sampleSum } from '@ats/metrics';
import { eventually, freePort, testServices, uniqueName } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixture-service.ts', import.meta.url));

describe('runService', () => {
  it('serves /health and /metrics for the service, then stops the service before its closers, in order, and exits 0', async () => {
    const { natsUrl, databaseUrl } = testServices();
    const service = uniqueName('fixture');
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: {
        ...process.env,
        NATS__URL: natsUrl,
        DATABASE__URL: databaseUrl,
        SERVICE__NAME: service,
        SERVICE__METRICS_PORT: String(port),
        LOG_LEVEL: 'info',
        ENVIRONMENT: 'test',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const messages: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) messages.push(JSON.parse(line).msg);
    });
    try {
      const health = await eventually(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/health`);
          return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
        },
        { what: 'the fixture service /health' },
      );
      expect(health).toMatchObject({ status: 'ok', service, openCycles: 0 });
      expect(health).toHaveProperty('natsRttMs');
      const samples = parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      expect(sampleSum(samples, 'process_resident_memory_bytes', { service })).toBeGreaterThan(0);

      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      const shutdown = messages.slice(messages.indexOf('shutting down'));
      // The bus may report its own connection's status while it closes; only the order of the steps matters here.
      expect(shutdown.filter((m) => !m.startsWith('NATS'))).toEqual([
        'shutting down',
        'service stopped',
        'first closer closed',
        'second closer closed',
      ]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
