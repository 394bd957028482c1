// Serves a built static folder (the edge page: html, js, wasm) under a prefix; @fastify/static is not a
// dependency and the page needs a handful of file types only.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './tensors.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.wasm': 'application/wasm',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8',
};

/** GET prefix/* from `dir` (index.html for the folder itself). */
export function serveStatic(app: FastifyInstance, prefix: string, dir: string): void {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`edgeDir: '${dir}' holds no index.html; build the page with 'node apps/edge/build.mjs' and pass apps/edge/dist`);
  }
  app.get(prefix, async (_req, reply) => reply.redirect(`${prefix}/`));
  app.get<{ Params: { '*': string } }>(`${prefix}/*`, async (req, reply) => {
    const rel = req.params['*'] || 'index.html';
    const file = resolve(root, rel);
    // Only files inside the folder: '..' or an absolute path in the URL must not escape it.
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      throw new HttpError(404, `no file '${rel}' under ${prefix}/`);
    }
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(await readFile(file));
  });
}
