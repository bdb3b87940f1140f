import { projectTestConfig } from '../../vitest.shared.ts';

// No needsServices: these tests start and stop their own private servers in throwaway state dirs.
export default projectTestConfig({ testTimeout: 60_000 });
