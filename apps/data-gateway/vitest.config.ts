import { mergeConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

// Files run one after another: they share the run's Postgres `bars` table (L3), and the backfill test
// counts the rows it writes there.
export default mergeConfig(projectTestConfig({ needsServices: true, isolate: false }), {
  test: { fileParallelism: false },
});
