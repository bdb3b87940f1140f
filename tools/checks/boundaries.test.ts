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

  it('holds for this repository', () => {
    expect(checkBoundaries(join(import.meta.dirname, '../..'))).toEqual([]);
  });
});
