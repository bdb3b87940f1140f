import { projectTestConfig } from '../../vitest.shared.ts';

// LLM mode (Postgres cache), distributed mode and the worker tests talk to real NATS and Postgres.
export default projectTestConfig({ needsServices: true, testTimeout: 60_000 });
