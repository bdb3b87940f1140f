import { projectTestConfig } from '../../vitest.shared.ts';

// Starts its own NATS and Postgres (never the machine's): no global services setup. Budget: ~3 minutes in all.
export default projectTestConfig({ include: ['test/**/*.test.ts'], testTimeout: 120_000 });
