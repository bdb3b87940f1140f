import { projectTestConfig } from '../../vitest.shared.ts';

// The secrets test starts a real app against the run's Postgres (and its own private NATS).
export default projectTestConfig({ include: ['*.test.ts'], needsServices: true });
