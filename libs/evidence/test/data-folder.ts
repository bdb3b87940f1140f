import { join } from 'node:path';
import { loadConfig } from '@ats/config';

/**
 * A path in the data folder, resolved as `dataFolderPath()` of @ats/tool-testing does (DATA__DIR, else the shared
 * data set beside the checkout); kept here so these tests do not load the agents that tool-testing brings in.
 */
export function dataFolder(...parts: string[]): string {
  const dir = loadConfig({ envFile: null }).data.dir;
  if (dir === undefined) {
    throw new Error(
      'no data folder: set DATA__DIR to the shared data set (news/, social/, …) to run this test',
    );
  }
  return join(dir, ...parts);
}
