import { projectTestConfig } from '../../vitest.shared.ts';

// Starts its own NATS and Postgres (never the machine's): no global services setup. Budget: ~8 minutes in all, half
// of it the publish-kill test (3 kills; CHAOS_PUBLISH_KILLS=10 in test:chaos takes ~7 minutes alone).
export default projectTestConfig({ include: ['test/**/*.test.ts'], testTimeout: 120_000 });
