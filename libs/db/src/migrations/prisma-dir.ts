import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * libs/db/prisma (schema and migrations). From source it is two folders up from this file; from a workspace
 * bundle (`tools/build/run-bundled.mjs` writes `<project>/dist/bundle-<id>/`) this code sits four folders below
 * the repository root, so the folder is found from there.
 */
export const PRISMA_DIR: string =
  ['../../prisma/', '../../../../libs/db/prisma/']
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((dir) => existsSync(`${dir}schema.prisma`)) ??
  fileURLToPath(new URL('../../prisma/', import.meta.url));
