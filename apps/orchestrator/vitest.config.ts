import { projectTestConfig } from '../../vitest.shared.ts';

// isolate: false: a worker imports the app once for all files (48 s of imports in a CI run otherwise); files that
// change process.env restore it (agents.test.ts, paper-run-llm-budget.test.ts).
export default projectTestConfig({ needsServices: true, testTimeout: 120_000, isolate: false });
