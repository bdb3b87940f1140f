import { projectTestConfig } from '../../vitest.shared.ts';

export default projectTestConfig({
  include: ['*.test.ts', 'test/**/*.test.ts'],
  needsServices: true,
  testTimeout: 240_000,
});
