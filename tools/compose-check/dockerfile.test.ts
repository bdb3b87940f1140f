import { describe, expect, it } from 'vitest';
import { APP_DOCKERFILE, parseDockerfile, readRepoFile } from './deployment-files';

const stages = parseDockerfile(readRepoFile(APP_DOCKERFILE));
const runtime = stages.at(-1);

describe('docker/Dockerfile', () => {
  it('is multi-stage with a migration target and a runtime stage last', () => {
    expect(stages.map((s) => s.name)).toEqual(
      expect.arrayContaining(['manifests', 'deps', 'source', 'migrate', 'build', 'runtime']),
    );
    expect(runtime?.name).toBe('runtime');
  });

  it('installs dependencies from manifests only, before the source is copied (cacheable layer)', () => {
    const deps = stages.find((s) => s.name === 'deps');
    const copies = deps?.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args) ?? [];
    expect(copies).toEqual(['--from=manifests /manifests/ ./']);
    expect(deps?.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))).toBe(true);
  });

  it('builds a small runtime from a slim base, parametrised by APP, with no toolchain or sources', () => {
    expect(runtime?.base).toMatch(/^\$\{NODE_IMAGE\}$/);
    expect(readRepoFile(APP_DOCKERFILE)).toMatch(/^ARG NODE_IMAGE=node:20\.[0-9.]+-bookworm-slim$/m);
    expect(runtime?.instructions.some((i) => i.keyword === 'ARG' && i.args === 'APP')).toBe(true);
    const copied = runtime?.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args) ?? [];
    expect(copied.every((c) => c.startsWith('--from=build '))).toBe(true);
    expect(copied.some((c) => c.includes('/libs') || c.includes('/src'))).toBe(false);
    const build = stages.find((s) => s.name === 'build');
    expect(build?.instructions.some((i) => i.args.includes('npm prune --omit=dev'))).toBe(true);
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
    const copied = runtime?.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args) ?? [];
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
