import { projectTestConfig } from '../../vitest.shared.ts';

export default projectTestConfig({ testTimeout: 60_000 });
