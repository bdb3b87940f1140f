import { describe, expect, it } from 'vitest';
import { APP_DOCKERFILE, parseDockerfile, readRepoFile } from './deployment-files';

const stages = parseDockerfile(readRepoFile(APP_DOCKERFILE));
const runtime = stages.at(-1);

describe('docker/Dockerfile', () => {
  it('is multi-stage with a migration target and a runtime stage last', () => {
    expect(stages.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'manifests',
        'deps',
        'source',
        'migrate',
        'prod-deps',
        'build',
        'runtime-base',
        'runtime',
      ]),
    );
    expect(runtime?.name).toBe('runtime');
  });

  it('installs dependencies from manifests only, before the source is copied (cacheable layer)', () => {
    for (const name of ['deps', 'prod-deps']) {
      const stage = stages.find((s) => s.name === name);
      const copies = stage?.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args) ?? [];
      expect(copies, name).toEqual(['--from=manifests /manifests/ ./']);
      expect(
        stage?.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('npm ci')),
        name,
      ).toBe(true);
    }
  });

  it('builds a small runtime from a slim base, parametrised by APP, with no toolchain or sources', () => {
    const runtimeBase = stages.find((s) => s.name === 'runtime-base');
    expect(runtime?.base).toBe('runtime-base');
    expect(runtimeBase?.base).toMatch(/^\$\{NODE_IMAGE\}$/);
    expect(readRepoFile(APP_DOCKERFILE)).toMatch(/^ARG NODE_IMAGE=node:20\.[0-9.]+-bookworm-slim$/m);
    expect(runtime?.instructions.some((i) => i.keyword === 'ARG' && i.args === 'APP')).toBe(true);
    // The app's files: its bundle, package.json and run-time assets, by APP, from the build stage only.
    const copied = runtime?.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args) ?? [];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's build-arg syntax, not a template
    expect(copied).toEqual(['--from=build /out/${APP}/app/ ./']);
    // Third-party modules: production dependencies only (no dev toolchain), and no workspace sources.
    const baseCopies = runtimeBase?.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args) ?? [];
    expect(baseCopies).toEqual(['--from=prod-deps /repo/node_modules ./node_modules']);
    const prodDeps = stages.find((s) => s.name === 'prod-deps');
    expect(prodDeps?.instructions.some((i) => i.args.includes('npm ci --omit=dev'))).toBe(true);
    expect([...copied, ...baseCopies].some((c) => c.includes('/libs') || c.includes('/src'))).toBe(false);
  });

  it('runs as a non-root user and declares a HEALTHCHECK', () => {
    const keywords = runtime?.instructions.map((i) => i.keyword) ?? [];
    const user = runtime?.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBe('node');
    // USER comes after every RUN, so nothing at runtime is set up with root rights it still holds.
    expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));
    const health = runtime?.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    expect(health).toMatch(/--interval=\d+s/);
    expect(health).toMatch(/\/health/);
  });

  it('keeps local state, secrets, dependencies and third-party data out of the build context', () => {
    const ignored = readRepoFile('docker/Dockerfile.dockerignore').split('\n');
    expect(ignored).toEqual(
      expect.arrayContaining([
        '**/node_modules',
        '.git',
        '.env',
        'ops/nats/credentials.env',
        'data',
        '.data-cache',
      ]),
    );
    const copied = stages.flatMap((s) =>
      s.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args),
    );
    expect(copied.some((c) => /\/data\b/.test(c))).toBe(false);
  });

  it('builds without a registry once NODE_IMAGE names a local image: no frontend image, no other base', () => {
    // A `# syntax=` line makes BuildKit pull a frontend image; the builtin one understands RUN --mount.
    expect(readRepoFile(APP_DOCKERFILE)).not.toMatch(/^#\s*syntax\s*=/m);
    const names = new Set(stages.map((s) => s.name).filter(Boolean));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's build-arg syntax, not a template
    const nodeImage = '${NODE_IMAGE}';
    for (const stage of stages)
      expect(stage.base === nodeImage || names.has(stage.base), stage.base).toBe(true);
  });
});
