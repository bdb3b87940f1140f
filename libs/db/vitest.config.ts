import { projectTestConfig } from '../../vitest.shared.ts';

// Tests create and drop their own databases on the admin DATABASE__URL, so no shared global setup is needed.
export default projectTestConfig({ testTimeout: 60_000 });
