// Regenerates docs/metrics.md from the metric glossary in src/definitions.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMetricsMarkdown } from '../src/definitions';

const target = fileURLToPath(new URL('../../../docs/metrics.md', import.meta.url));
writeFileSync(target, renderMetricsMarkdown());
console.log(`wrote ${target}`);
