import { join } from 'node:path';
import { loadConfig } from '@ats/config';

/**
 * A path inside the data folder (DATA__DIR; by default the shared data set beside the checkout). Tests and
 * benchmarks read third-party data only from there, never from the repository.
 */
export function dataFolderPath(...parts: string[]): string {
  const dir = loadConfig({ envFile: null }).data.dir;
  if (dir === undefined) {
    throw new Error(
      'no data folder: set DATA__DIR to the shared data set (ohlcv/, news/, sentiment/, …) to run this test',
    );
  }
  return join(dir, ...parts);
}
