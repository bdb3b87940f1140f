import { projectTestConfig } from '../../vitest.shared.ts';

// LLM mode (Postgres cache), distributed mode and the worker tests talk to real NATS and Postgres.
// isolate: false: the files share no module state or environment changes; a worker imports the app once.
export default projectTestConfig({ needsServices: true, testTimeout: 60_000, isolate: false });
