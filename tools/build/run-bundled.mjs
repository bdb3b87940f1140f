// @ts-check
/**
 * Runs a TypeScript entry of this workspace as a compiled ESM bundle, rebuilt only when its inputs change.
 *
 *   node tools/build/run-bundled.mjs <entry.ts>[,<more entries>.ts] [args...]
 *
 * The first entry is run with the args; the others, and every `*-thread.ts` beside the first, are built beside it
 * (modules that a worker thread loads). The build goes to `dist/bundle-<id>/` of the first entry's project, and `dist/<name>.bundle.json` records it with
 * every workspace source esbuild read (size, mtime, content hash), this script, npm's install state and the
 * compiler settings. A run stats those (a few ms), imports the bundle when nothing changed, and rebuilds first when
 * something did (a fresh clone, a code change, `npm ci` with other package versions). Plain JavaScript, so a run
 * costs one `node`: no tsx, no TypeScript compiled on the fly.
 *
 * Third-party packages are inlined too (one file instead of ~1,000 small module files to resolve and read), except
 * those that load files, native addons or workers beside themselves at run time (EXTERNAL). Code splitting keeps
 * each `await import()` of the app a chunk of its own, loaded only when that mode runs.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = resolve(dirname(SCRIPT), '../..');
/**
 * Inputs besides the sources: the installed packages (npm rewrites node_modules/.package-lock.json whenever it
 * changes the tree, so third-party code is covered by it rather than by hashing ~1,000 files of node_modules on
 * each run) and the compiler settings esbuild reads.
 */
const BUILD_SETTINGS = ['package-lock.json', 'node_modules/.package-lock.json', 'tsconfig.base.json'];
/**
 * Kept as `import`s from node_modules: Prisma's client and its Postgres adapter (a WebAssembly query compiler and
 * generated runtime files), pg (optional native binding), pino (transports run as worker threads from files),
 * the API gateway's Swagger UI (its page's files).
 */
const EXTERNAL = [
  '@prisma/client',
  '@prisma/adapter-pg',
  'pg',
  'pg-native',
  'pino',
  'pino-pretty',
  // Serves the Swagger UI's files from its own package folder (static/).
  '@fastify/swagger-ui',
];
const MANIFEST_VERSION = 3;
/** Builds that no manifest names any more are removed once this old (a running process may still load chunks). */
const STALE_BUILD_MS = 60 * 60 * 1000;

/**
 * @typedef {[size: number, mtimeMs: number, sha256: string]} FileStamp
 * @typedef {{ version: number, dir: string, files: Record<string, FileStamp> }} Manifest
 */

/** @param {string} path relative to ROOT */
const sha256 = (path) =>
  createHash('sha256')
    .update(readFileSync(join(ROOT, path)))
    .digest('hex');

/**
 * One input as the manifest keeps it: size and mtime (the cheap check), content hash (the real one).
 * @param {string} path relative to ROOT
 * @returns {FileStamp}
 */
function stamp(path) {
  const stats = statSync(join(ROOT, path));
  return [stats.size, stats.mtimeMs, sha256(path)];
}

/**
 * Every recorded input still as it was. Each file is stat-ed; only one whose size or mtime moved is read and
 * hashed, so a checkout that touches files without changing them does not rebuild.
 * @param {Manifest} manifest
 */
function unchanged(manifest) {
  for (const [path, [size, mtimeMs, hash]] of Object.entries(manifest.files)) {
    const full = join(ROOT, path);
    if (!existsSync(full)) return false;
    const stats = statSync(full);
    if (stats.size === size && stats.mtimeMs === mtimeMs) continue;
    if (stats.size !== size || sha256(path) !== hash) return false;
  }
  return true;
}

/**
 * @param {string} manifestPath
 * @returns {Manifest | undefined} the manifest when its build is there and up to date
 */
function freshManifest(manifestPath) {
  if (!existsSync(manifestPath)) return undefined;
  try {
    /** @type {Manifest} */
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const dir = join(dirname(manifestPath), manifest.dir);
    if (manifest.version !== MANIFEST_VERSION || !existsSync(dir)) return undefined;
    return unchanged(manifest) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the entries into a new `dist/bundle-<id>/` and then points the manifest at it (written under a
 * temporary name and renamed), so two first runs at once each end with a whole build, and a process still running
 * an older build keeps its chunks.
 * @param {readonly string[]} entries absolute paths
 * @param {string} manifestPath
 */
export async function buildBundle(entries, manifestPath) {
  const { build } = await import('esbuild');
  const startedAt = performance.now();
  const dist = dirname(manifestPath);
  const dir = `bundle-${Date.now().toString(36)}-${process.pid}`;
  mkdirSync(dist, { recursive: true });
  const result = await build({
    entryPoints: [...entries],
    outdir: join(dist, dir),
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    metafile: true,
    logLevel: 'warning',
    external: EXTERNAL,
    // The build's identity, for caches of derived data that must not outlive the code that derived them
    // (libs/evidence loadOnce keeps parsed data files on disk only in a compiled build, keyed by this id).
    define: { 'process.env.ATS_BUNDLE_BUILD_ID': JSON.stringify(dir) },
    // Bundled CommonJS packages call require() and read __dirname; give the ESM output both.
    banner: {
      js: [
        "import { createRequire as __bundleCreateRequire } from 'node:module';",
        "import { dirname as __bundleDirname } from 'node:path';",
        "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
        'const require = __bundleCreateRequire(import.meta.url);',
        'const __filename = __bundleFileURLToPath(import.meta.url);',
        'const __dirname = __bundleDirname(__filename);',
      ].join(' '),
    },
  });
  // esbuild names inputs relative to the working directory; the manifest keeps them relative to the root.
  const inputs = Object.keys(result.metafile.inputs).map((input) => relative(ROOT, resolve(input)));
  const sources = inputs.filter((path) => !path.split(sep).includes('node_modules'));
  const watched = [...new Set([...sources, relative(ROOT, SCRIPT), ...BUILD_SETTINGS])].sort();
  /** @type {Record<string, FileStamp>} */
  const files = {};
  for (const path of watched) if (existsSync(join(ROOT, path))) files[path] = stamp(path);
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: MANIFEST_VERSION, dir, files }, null, 1)}\n`);
  renameSync(tmp, manifestPath);
  removeStaleBuilds(dist, dir);
  return { dir: join(dist, dir), inputs: inputs.length, ms: Math.round(performance.now() - startedAt) };
}

/**
 * @param {string} dist
 * @param {string} current
 */
function removeStaleBuilds(dist, current) {
  for (const name of readdirSync(dist)) {
    if (!name.startsWith('bundle-') || name === current) continue;
    const path = join(dist, name);
    if (Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The modules a worker thread of the entry loads: by convention `*-thread.ts` in the entry's folder (the
 * backtester's `sweep-thread.ts`). Built with the entry, so every way of starting it (npm script, Nx target, a test,
 * the stack) can start its threads.
 * @param {string} entry absolute path
 */
function threadModulesBeside(entry) {
  const dir = dirname(entry);
  return readdirSync(dir)
    .filter((name) => name.endsWith('-thread.ts'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * The folder of the project an entry belongs to (the nearest package.json above it): `src/cli/keys.ts` builds into
 * the app's `dist/` as `src/main.ts` does, so a bundle sits at the same depth below the repository root.
 * @param {string} entry absolute path
 */
function projectRootOf(entry) {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return dirname(dirname(entry));
}

/**
 * The built first entry, built first when missing or stale.
 * @param {readonly string[]} entries
 * @returns {Promise<string>} absolute path of the first entry's bundle
 */
export async function ensureBundle(entries) {
  const first = resolve(/** @type {string} */ (entries[0]));
  const absolute = [
    ...new Set([first, ...entries.slice(1).map((entry) => resolve(entry)), ...threadModulesBeside(first)]),
  ];
  const name = basename(first).replace(/\.ts$/, '');
  const manifestPath = join(projectRootOf(first), 'dist', `${name}.bundle.json`);
  const manifest = freshManifest(manifestPath);
  if (manifest) return join(dirname(manifestPath), manifest.dir, `${name}.mjs`);
  const built = await buildBundle(absolute, manifestPath);
  // For a person at a terminal (a first run is slower); a process that reads the output gets only the program's.
  const log = process.env.BUNDLE_LOG ?? (process.stderr.isTTY ? 'on' : 'off');
  if (log !== 'off') {
    process.stderr.write(
      `built ${relative(process.cwd(), built.dir)} (${built.inputs} inputs) in ${built.ms} ms\n`,
    );
  }
  return join(built.dir, `${name}.mjs`);
}

if (process.argv[1] && resolve(process.argv[1]) === SCRIPT) {
  const [entries, ...args] = process.argv.slice(2);
  if (!entries) {
    process.stderr.write('usage: node tools/build/run-bundled.mjs <entry.ts>[,<entry.ts>...] [args...]\n');
    process.exit(2);
  }
  const bundle = await ensureBundle(entries.split(','));
  // The bundle sees the argv that `node bundle args...` would give it.
  process.argv = [process.argv[0] ?? 'node', bundle, ...args];
  await import(pathToFileURL(bundle).href);
}
