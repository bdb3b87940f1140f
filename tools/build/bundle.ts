import { resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * Bundles an app (or lib) entry into one ESM file for its container: the workspace's own `@ats/*` libraries
 * are inlined (they ship as TypeScript source), third-party packages stay external and come from node_modules.
 *
 * Usage (from a project folder): tsx ../../tools/build/bundle.ts src/main.ts dist/main.js
 */
const externalThirdParty: Plugin = {
  name: 'external-third-party',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@ats/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: bundle.ts <entry.ts> <outfile.js>');
  process.exit(2);
}

await build({
  entryPoints: [resolve(entry)],
  outfile: resolve(outfile),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [externalThirdParty],
  // Bundled CommonJS dependencies may call require(); give ESM output one.
  banner: {
    js: "import { createRequire as __atsCreateRequire } from 'node:module'; const require = __atsCreateRequire(import.meta.url);",
  },
});
