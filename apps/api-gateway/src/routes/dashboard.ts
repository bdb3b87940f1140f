import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The dashboard's files (no build step): read once at start-up, served from memory. From source they sit at
 * apps/api-gateway/dashboard, two folders up; in the image the bundle (dist/main.js) has them one folder up.
 */
const DASHBOARD_DIR = ['../../dashboard/', '../dashboard/']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((dir) => existsSync(join(dir, 'index.html'))) as string;

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** Everything the page loads comes from this origin: no CDN, no inline script. */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

function chartLibraryPath(): string {
  const require = createRequire(import.meta.url);
  // The package's exports map lists only ESM builds; the standalone UMD file sits next to its package.json.
  return join(
    dirname(require.resolve('lightweight-charts/package.json')),
    'dist/lightweight-charts.standalone.production.js',
  );
}

/** `GET /` and its assets, plus `/vendor/lightweight-charts.js` from node_modules. Public: the data needs a key. */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [url, asset] of Object.entries(ASSETS)) {
    files.set(url, { body: readFileSync(join(DASHBOARD_DIR, asset.file)), type: asset.type });
  }
  files.set('/vendor/lightweight-charts.js', {
    body: readFileSync(chartLibraryPath()),
    type: 'text/javascript; charset=utf-8',
  });
  for (const [url, file] of files) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type(file.type)
        .header('cache-control', url === '/' ? 'no-cache' : 'public, max-age=300')
        .header('content-security-policy', PAGE_CSP)
        .header('x-content-type-options', 'nosniff')
        .send(file.body),
    );
  }
};
