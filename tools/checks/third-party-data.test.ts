import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@ats/config';
import { describe, expect, it } from 'vitest';
import { checkThirdPartyData, MAX_TRACKED_DATA_BYTES, trackedFiles } from './third-party-data';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('no third-party data in the repository', () => {
  it('holds for every file git tracks, against the configured data folder', () => {
    const dataDir = loadConfig().data.dir;
    expect(dataDir, 'no data folder configured or found (DATA__DIR)').toBeDefined();
    expect(checkThirdPartyData(repoRoot, trackedFiles(repoRoot), dataDir)).toEqual([]);
  });

  it('fails on a planted copy of a data file and on an oversized data file', () => {
    const root = mkdtempSync(join(tmpdir(), 'ats-data-check-'));
    const dataDir = join(root, 'shared-data');
    mkdirSync(join(dataDir, 'ohlcv'), { recursive: true });
    writeFileSync(join(dataDir, 'ohlcv', 'AAA.csv'), 'date,close\n2024-01-02,10\n');
    mkdirSync(join(root, 'repo', 'fixtures'), { recursive: true });
    copyFileSync(join(dataDir, 'ohlcv', 'AAA.csv'), join(root, 'repo', 'fixtures', 'renamed.txt'));
    writeFileSync(join(root, 'repo', 'fixtures', 'big.json'), 'x'.repeat(MAX_TRACKED_DATA_BYTES + 1));
    writeFileSync(join(root, 'repo', 'fixtures', 'small.csv'), 'date,close\n2024-01-02,11\n');
    const problems = checkThirdPartyData(
      join(root, 'repo'),
      ['fixtures/renamed.txt', 'fixtures/big.json', 'fixtures/small.csv'],
      dataDir,
    );
    expect(problems.map((p) => p.file)).toEqual(['fixtures/renamed.txt', 'fixtures/big.json']);
    expect(problems[0]?.reason).toContain('ohlcv/AAA.csv');
  });
});
