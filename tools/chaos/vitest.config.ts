import { projectTestConfig } from '../../vitest.shared.ts';

// Starts its own NATS and Postgres (never the machine's): no global services setup. Measured on this 2-core machine
// under other projects' load (load average 15-20): chaos.test.ts 8.6 min (one reference replay, NATS restart,
// Postgres restart, 10 s NATS outage, flood), publish-kill.test.ts 9.1 min (one reference, 3 publish kills, 4
// fill/snapshot kills), 18 min for both side by side; CHAOS_PUBLISH_KILLS=10 in test:chaos adds ~7 attempts.
export default projectTestConfig({ include: ['test/**/*.test.ts'], testTimeout: 120_000 });
