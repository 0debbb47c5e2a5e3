/**
 * The web UI's built files (web/dist, made by scripts/install.sh), served under `/` next to the API. Static
 * files are public; every API call the UI makes carries its token. A path that is no file is a client route of
 * the single-page app and gets index.html, except under /api/, which keeps the API's problem 404.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../domain/errors.ts';

/** Where Vite writes the build (see web/vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Hashed file names never change content: cache for a year. index.html must be revalidated to see a new build. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** Fastify's default maxParamLength, which the API's routes keep. */
const MAX_PATH_SEGMENT = 100;

async function listBuiltFiles(root: string): Promise<Set<string>> {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && !e.name.endsWith('.gz'));
    return new Set(files.map((e) => `${e.parentPath.slice(root.length).replaceAll('\\', '/')}/${e.name}`.replace(/^\/+/, '')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

export const uiStaticRoutes: FastifyPluginAsync<{ root?: string }> = async (app, { root = WEB_DIST }) => {
  const files = await listBuiltFiles(root);
  // Vite's build writes a .gz beside each asset; it is sent to clients that accept gzip.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });

  app.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, async function serveUi(request, reply) {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/').replace(/^\/+/, '');
    if (files.has(path)) {
      reply.header('cache-control', path.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
      return reply.sendFile(path, { cacheControl: false });
    }
    // This catch-all also receives API paths whose segment is too long for the API's own routes: answer as they would.
    if (path.startsWith('api/') && path.split('/').some((segment) => segment.length > MAX_PATH_SEGMENT))
      throw new AppError('UriTooLong', `a path segment of the URL is longer than ${MAX_PATH_SEGMENT} characters`);
    if (path.startsWith('api/') || path.startsWith('assets/') || path === 'healthz') return reply.callNotFound();
    if (!files.has('index.html')) {
      return reply.code(503).type('text/plain').send('The web UI is not built: run scripts/install.sh (scripts/start.sh does).\n');
    }
    reply.header('cache-control', REVALIDATE);
    return reply.sendFile('index.html', { cacheControl: false });
  });
};
