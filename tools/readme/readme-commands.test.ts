import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { README } from './main-job-table.ts';
import { scriptFor } from './readme-check.ts';
import { type CommandPlan, planFor, readmeCommands } from './readme-commands.ts';

describe('README commands (what npm run test:readme runs, in order)', () => {
  const commands = readmeCommands(readFileSync(README, 'utf8'));

  it('finds the two contract commands first and every command of the services table', () => {
    expect(commands[0]?.command).toBe('npm ci && npx nx run backtester:backtest');
    expect(commands.map((c) => c.command)).toContain('npm ci && npm test');
    expect(commands.map((c) => c.command)).toContain('npm run services -- down');
    expect(commands.length).toBeGreaterThan(20);
  });

  it('has a policy for every command, and skips only the suite itself and Docker', () => {
    for (const c of commands) expect(planFor(c.command), `line ${c.line}: ${c.command}`).toBeDefined();
    const skipped = commands.filter((c) => planFor(c.command)?.kind === 'skip').map((c) => c.command);
    for (const s of skipped) expect(s).toMatch(/npm test|test:under-load|test:readme|compose|test:docker/);
  });

  it('starts the services before the first command that needs them and stops them last', () => {
    const order = commands.map((c) => c.command);
    const env = order.indexOf('eval "$(npm run -s services -- env)"');
    expect(env).toBeGreaterThan(-1);
    const needing = order.findIndex((c) =>
      /orchestrator:run|data-gateway:backfill|api-gateway:keys|db:/.test(c),
    );
    expect(env).toBeLessThan(needing);
    expect(order.indexOf('npm run services -- down')).toBeGreaterThan(
      Math.max(...order.map((c, i) => (/db:|keys|backfill|orchestrator:run|stack/.test(c) ? i : -1))),
    );
  });

  it('expands alternatives in one cell and ignores prose words in code spans', () => {
    const text = '| `npm run db:migrate` / `db:check` / `db:status` | apply (`orchestrator:run` too) |\n';
    expect(readmeCommands(text).map((c) => c.command)).toEqual([
      'npm run db:migrate',
      'npm run db:check',
      'npm run db:status',
    ]);
  });

  it('fails a README command that has no policy', () => {
    expect(planFor('npm run something-new')).toBeUndefined();
  });

  it('writes a bash script that parses', () => {
    const steps = commands.map((c) => ({ readme: c, plan: planFor(c.command) as CommandPlan }));
    const dir = mkdtempSync(join(tmpdir(), 'readme-script-'));
    try {
      const file = join(dir, 'readme.sh');
      writeFileSync(file, scriptFor(steps, join(dir, 'results.tsv'), dir));
      execFileSync('bash', ['-n', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
