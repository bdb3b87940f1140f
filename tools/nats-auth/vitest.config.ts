import { projectTestConfig } from '../../vitest.shared.ts';

// Tests start their own nats-server with the generated config; they need no shared services.
export default projectTestConfig({ include: ['*.test.ts'], testTimeout: 20_000 });
