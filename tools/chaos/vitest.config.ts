import { projectTestConfig } from '../../vitest.shared.ts';

// Starts its own NATS and Postgres (never the machine's): no global services setup. In a CI run on this 2-core
// machine beside the other projects: chaos.test.ts 140 s (one reference replay, NATS restart, Postgres restart,
// 10 s NATS outage, flood), publish-kill.test.ts 77 s (one reference, 3 publish kills, one kill each after a fill,
// mid-snapshot and after the snapshot), api-flood.test.ts 36 s; several times that on a loaded machine.
// CHAOS_PUBLISH_KILLS=10 in test:chaos adds 7 attempts.
export default projectTestConfig({ include: ['test/**/*.test.ts'], testTimeout: 120_000 });
