import { projectTestConfig } from '../../vitest.shared.ts';

// isolate: false: the files share no module state or environment changes (each builds its own gateway).
export default projectTestConfig({ needsServices: true, isolate: false });
