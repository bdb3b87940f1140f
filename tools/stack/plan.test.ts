import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStackArgs, planStack, StackUsageError } from './plan';

function repoWith(apps: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'stack-'));
  for (const app of apps) {
    mkdirSync(join(root, 'apps', app, 'src'), { recursive: true });
    writeFileSync(join(root, 'apps', app, 'src', 'main.ts'), '');
  }
  return root;
}

describe('stack plan', () => {
  it('starts replicas of existing apps in order and notes the missing ones', () => {
    const root = repoWith(['orchestrator', 'technical-agent', 'data-gateway']);
    const plan = planStack(root, parseStackArgs(['--replicas', 'technical-agent=2', '--skip=api-gateway']));
    expect(plan.processes.map((p) => p.name)).toEqual([
      'data-gateway',
      'technical-agent-1',
      'technical-agent-2',
      'orchestrator',
    ]);
    expect(plan.notes).toEqual([
      'sentiment-agent: not started, apps/sentiment-agent/src/main.ts does not exist yet',
      'risk-manager: not started, apps/risk-manager/src/main.ts does not exist yet',
      'portfolio-manager: not started, apps/portfolio-manager/src/main.ts does not exist yet',
      'api-gateway: skipped (--skip)',
    ]);
  });

  it('refuses unknown apps and bad counts', () => {
    expect(() => parseStackArgs(['--replicas', 'nope=2'])).toThrow(StackUsageError);
    expect(() => parseStackArgs(['--replicas=technical-agent=x'])).toThrow(StackUsageError);
    expect(() => parseStackArgs(['--frobnicate', '1'])).toThrow(StackUsageError);
  });
});
