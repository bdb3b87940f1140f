import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExposition, sampleSum } from '@ats/metrics';
import { testServices, within } from '@ats/tool-testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStackArgs, planStack } from '../plan';
import { type RunningStack, startStack } from '../runner';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const lines: string[] = [];
let stack: RunningStack | undefined;

afterAll(async () => {
  await stack?.stop();
});

/** A deadline for the whole stack (tsx compiling every app from source on busy cores) to do `what`. */
const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 180_000) => {
  const budget = within(timeoutMs);
  const deadline = Date.now() + budget;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`${what} within ${budget} ms; last lines:\n${lines.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('local stack under per-service NATS users and Postgres roles', () => {
  it('runs every app with its own least-privilege users: cycles complete, no permission violations', async () => {
    const plan = planStack(REPO_ROOT, parseStackArgs(['--skip', 'api-gateway']));
    stack = await startStack({
      repoRoot: REPO_ROOT,
      processes: plan.processes,
      databaseUrl: testServices().databaseUrl,
      env: { ...process.env, LOG_LEVEL: 'info', LLM__PROVIDER: 'offline' },
      appEnv: { orchestrator: { ORCHESTRATOR__INTERVAL_MS: '1500', ORCHESTRATOR__AS_OF: '2023-06-30' } },
      onLine: (name, line) => lines.push(`${name} | ${line}`),
    });
    const completed = () =>
      lines.filter((l) => l.startsWith('orchestrator |') && l.includes('"cycle completed"'));
    await until('3 cycles completed', () => completed().length >= 3);
    for (const p of stack.processes) {
      const health = await fetch(`http://127.0.0.1:${p.metricsPort}/health`);
      expect(health.status, p.planned.name).toBe(200);
      const samples = parseExposition(
        await (await fetch(`http://127.0.0.1:${p.metricsPort}/metrics`)).text(),
      );
      expect(sampleSum(samples, 'process_resident_memory_bytes'), p.planned.name).toBeGreaterThan(0);
      // The offline team asks the gateway nothing, so only the others have sent messages by now.
      if (p.planned.app !== 'data-gateway')
        expect(sampleSum(samples, 'ats_bus_messages_published_total'), p.planned.name).toBeGreaterThan(0);
    }
    const agents = stack.processes.filter(
      (p) => p.planned.app.endsWith('-agent') || p.planned.app.endsWith('-manager'),
    );
    for (const p of agents) {
      const samples = parseExposition(
        await (await fetch(`http://127.0.0.1:${p.metricsPort}/metrics`)).text(),
      );
      expect(sampleSum(samples, 'ats_agent_response_seconds_count'), p.planned.name).toBeGreaterThanOrEqual(
        3,
      );
    }
    expect(lines.filter((l) => /Permissions Violation|Authorization Violation/.test(l))).toEqual([]);
    // Each app on its own Postgres role (libs/db/src/roles): what it does is within its grants.
    expect(lines.filter((l) => /permission denied/i.test(l))).toEqual([]);
    expect(stack.processes.every((p) => p.restarts === 0)).toBe(true);
    expect(stack.processes.every((p) => p.child.exitCode === null)).toBe(true);
    await stack.stop();
    expect(stack.processes.map((p) => [p.planned.name, p.child.exitCode])).toEqual(
      stack.processes.map((p) => [p.planned.name, 0]),
    );
    stack = undefined;
  });
});
