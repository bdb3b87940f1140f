import { projectTestConfig } from '../../vitest.shared.ts';

// The response-cache tests use the real Postgres (migrated database from the services global setup).
export default projectTestConfig({ needsServices: true });
