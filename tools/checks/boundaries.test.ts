import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBoundaries } from './boundaries';

function project(root: string, path: string, name: string, deps: Record<string, string>, source: string) {
  mkdirSync(join(root, path, 'src'), { recursive: true });
  writeFileSync(join(root, path, 'package.json'), JSON.stringify({ name, dependencies: deps }));
  writeFileSync(join(root, path, 'src', 'main.ts'), source);
}

describe('module boundaries', () => {
  it('flags app→app, lib→app, relative escapes and undeclared deps; accepts declared lib imports', () => {
    const root = mkdtempSync(join(tmpdir(), 'ats-boundaries-'));
    project(root, 'libs/contracts', '@ats/contracts', {}, 'export const x = 1;\n');
    project(
      root,
      'libs/bus',
      '@ats/bus',
      {},
      "import { x } from '@ats/contracts';\nimport { y } from '@ats/api-gateway';\n",
    );
    project(
      root,
      'apps/api-gateway',
      '@ats/api-gateway',
      { '@ats/contracts': '*' },
      "import { x } from '@ats/contracts';\nexport const y = x;\n",
    );
    project(
      root,
      'apps/orchestrator',
      '@ats/orchestrator',
      {},
      "import { y } from '@ats/api-gateway';\nimport { z } from '../../../libs/contracts/src/main';\n",
    );
    const rules = checkBoundaries(root)
      .map((v) => `${v.rule} ${v.file}`)
      .sort();
    expect(rules).toEqual([
      'app-imports-app apps/orchestrator/src/main.ts',
      'lib-imports-app libs/bus/src/main.ts',
      'relative-escape apps/orchestrator/src/main.ts',
      'undeclared-dependency libs/bus/src/main.ts',
    ]);
  });

  it('flags a lib importing a lib of a higher tier, a lib with no tier, and bench importing an app', () => {
    const root = mkdtempSync(join(tmpdir(), 'ats-tiers-'));
    project(root, 'libs/contracts', '@ats/contracts', {}, 'export const x = 1;\n');
    project(root, 'libs/bus', '@ats/bus', { '@ats/contracts': '*' }, "import { x } from '@ats/contracts';\n");
    // A domain lib reaching up into an adapter: the planted inversion.
    project(root, 'libs/agents', '@ats/agents', { '@ats/bus': '*' }, "import { b } from '@ats/bus';\n");
    project(root, 'libs/mystery', '@ats/mystery', {}, 'export const m = 1;\n');
    // Tests may use adapters (real data in integration tests).
    writeFileSync(join(root, 'libs/agents/src/team.test.ts'), "import { b } from '@ats/bus';\n");
    project(root, 'apps/backtester', '@ats/backtester', {}, 'export const job = 1;\n');
    mkdirSync(join(root, 'bench/backtest'), { recursive: true });
    writeFileSync(
      join(root, 'bench/backtest/run.ts'),
      "import { job } from '../../apps/backtester/src/main';\nimport { x } from '@ats/contracts';\n",
    );
    const rules = checkBoundaries(root)
      .map((v) => `${v.rule} ${v.file}`)
      .sort();
    expect(rules).toEqual([
      'bench-imports-app bench/backtest/run.ts',
      'tier-inversion libs/agents/src/main.ts',
      'tier-inversion libs/mystery',
    ]);
  });

  it('holds for this repository', () => {
    expect(checkBoundaries(join(import.meta.dirname, '../..'))).toEqual([]);
  });
});
