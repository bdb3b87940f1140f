import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type SourceWalk, sourceFilesUnder } from './source-files';

/**
 * Module boundaries of the monorepo (what @nx/enforce-module-boundaries would check):
 * - apps never import apps, libs never import apps;
 * - a project imports another only through its `@ats/<name>` package entry, never by relative path;
 * - every `@ats/*` import is declared in the importer's package.json, so the Nx graph is complete;
 * - libs are layered in tiers (LIB_TIERS): a lib's source imports libs of its own tier or below, never above;
 *   tests may use any lib (integration tests read real data through adapters);
 * - `bench/` uses libs only: it runs apps as processes, it never imports their internals.
 */
export interface BoundaryViolation {
  readonly file: string;
  readonly specifier: string;
  readonly rule:
    | 'app-imports-app'
    | 'lib-imports-app'
    | 'relative-escape'
    | 'undeclared-dependency'
    | 'tier-inversion'
    | 'bench-imports-app';
}

/**
 * The tiers, lowest first: vocabulary (words every part shares) → domain (pure finance: indicators, agents,
 * execution, performance, sentiment) → engine (the backtest and the trading cycle that drive the domain) →
 * adapters (I/O: NATS, Postgres, market data, LLMs, the ledger, evidence, reports, logs) → runtime (what services
 * and jobs are made of: agent RPC, metrics, the service shell, backtest jobs) → apps. docs/architecture.md draws it.
 */
export const LIB_TIERS: Readonly<Record<string, readonly string[]>> = {
  vocabulary: ['@ats/contracts', '@ats/config'],
  domain: ['@ats/indicators', '@ats/agents', '@ats/execution', '@ats/performance', '@ats/sentiment'],
  engine: ['@ats/backtest', '@ats/cycle'],
  adapters: [
    '@ats/bus',
    '@ats/db',
    '@ats/market-data',
    '@ats/llm',
    '@ats/trading-state',
    '@ats/paper-broker',
    '@ats/evidence',
    '@ats/reports',
    '@ats/observability',
  ],
  runtime: ['@ats/agent-rpc', '@ats/metrics', '@ats/service', '@ats/backtest-jobs'],
};
const TIER_ORDER = Object.keys(LIB_TIERS);

/** The tier index of a lib, or undefined for a lib no tier names (itself a violation: every lib has a tier). */
function tierOf(name: string, tiers: Readonly<Record<string, readonly string[]>>): number | undefined {
  const tier = Object.entries(tiers).find(([, libs]) => libs.includes(name))?.[0];
  return tier === undefined ? undefined : TIER_ORDER.indexOf(tier);
}

const isTestFile = (file: string) => /\.(test|spec)\.tsx?$/.test(file) || file.split(sep).includes('test');

interface Project {
  readonly name: string;
  readonly root: string;
  readonly kind: 'app' | 'lib' | 'tool';
  readonly declared: ReadonlySet<string>;
}

export function findProjects(workspaceRoot: string): Project[] {
  const projects: Project[] = [];
  for (const [folder, kind] of [
    ['apps', 'app'],
    ['libs', 'lib'],
    ['tools', 'tool'],
  ] as const) {
    const dir = join(workspaceRoot, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) {
      const manifest = join(dir, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      const declared = new Set([
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.devDependencies ?? {}),
      ]);
      projects.push({ name: pkg.name, root: join(dir, entry), kind, declared });
    }
  }
  return projects;
}

const SOURCE_WALK: SourceWalk = {
  isSource: (name) => /\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts'),
  skipFolders: new Set(['node_modules', 'dist', 'generated', '.nx', 'coverage']),
};
const sourceFiles = (dir: string) => sourceFilesUnder(dir, SOURCE_WALK);

export function checkBoundaries(
  workspaceRoot: string,
  tiers: Readonly<Record<string, readonly string[]>> = LIB_TIERS,
): BoundaryViolation[] {
  const projects = findProjects(workspaceRoot);
  const byName = new Map(projects.map((p) => [p.name, p]));
  const violations: BoundaryViolation[] = [];
  for (const project of projects) {
    const ownTier = project.kind === 'lib' ? tierOf(project.name, tiers) : undefined;
    if (project.kind === 'lib' && ownTier === undefined)
      violations.push({
        file: relative(workspaceRoot, project.root),
        specifier: project.name,
        rule: 'tier-inversion',
      });
    for (const file of sourceFiles(project.root)) {
      const text = readFileSync(file, 'utf8');
      // The compiler's own pre-parser: finds static and dynamic imports, ignores look-alikes in strings.
      for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
        const specifier = imported.fileName;
        const where = relative(workspaceRoot, file);
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          const insideProject = target === project.root || target.startsWith(project.root + sep);
          // The shared vitest config is the one sanctioned relative import; tools may share tool code.
          if (!insideProject && !target.endsWith('vitest.shared.ts') && project.kind !== 'tool') {
            violations.push({ file: where, specifier, rule: 'relative-escape' });
          }
          continue;
        }
        const packageName = specifier.split('/').slice(0, 2).join('/');
        const target = byName.get(packageName);
        if (!target || target === project) continue;
        if (target.kind === 'app') {
          violations.push({
            file: where,
            specifier,
            rule: project.kind === 'app' ? 'app-imports-app' : 'lib-imports-app',
          });
        } else if (!project.declared.has(packageName)) {
          violations.push({ file: where, specifier, rule: 'undeclared-dependency' });
        } else if (ownTier !== undefined && target.kind === 'lib' && !isTestFile(file)) {
          const targetTier = tierOf(packageName, tiers);
          if (targetTier === undefined || targetTier > ownTier)
            violations.push({ file: where, specifier, rule: 'tier-inversion' });
        }
      }
    }
  }
  violations.push(...checkBench(workspaceRoot, projects));
  return violations;
}

/** `bench/` imports libs by package name; a relative path into `apps/` (or an app package) is refused. */
function checkBench(workspaceRoot: string, projects: readonly Project[]): BoundaryViolation[] {
  const bench = join(workspaceRoot, 'bench');
  if (!existsSync(bench)) return [];
  const apps = new Set(projects.filter((p) => p.kind === 'app').map((p) => p.name));
  const appsDir = join(workspaceRoot, 'apps') + sep;
  const violations: BoundaryViolation[] = [];
  for (const file of sourceFiles(bench)) {
    for (const imported of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      const specifier = imported.fileName;
      const intoApp = specifier.startsWith('.')
        ? resolve(dirname(file), specifier).startsWith(appsDir)
        : apps.has(specifier.split('/').slice(0, 2).join('/'));
      if (intoApp)
        violations.push({ file: relative(workspaceRoot, file), specifier, rule: 'bench-imports-app' });
    }
  }
  return violations;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const violations = checkBoundaries(root);
  for (const v of violations) console.error(`${v.rule}: ${v.file} imports '${v.specifier}'`);
  if (violations.length > 0) {
    console.error(`${violations.length} module boundary violation(s)`);
    process.exit(1);
  }
  console.log(`module boundaries ok (${findProjects(root).length} projects)`);
}
