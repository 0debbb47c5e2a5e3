/**
 * The web UI's build: React pages code-split per page into web/dist, which the orchestrator serves under `/`.
 * Each JS and CSS file gets a .gz beside it, sent to browsers that accept gzip.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const gzipAsync = promisify(gzip);

/** Writes `<file>.gz` for every emitted JS, CSS and HTML file. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'edge-orch-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const names = Object.keys(bundle).filter((name) => /\.(js|css|html)$/.test(name));
      await Promise.all(
        names.map(async (name) => {
          const path = join(outDir, name);
          await writeFile(`${path}.gz`, await gzipAsync(await readFile(path), { level: 9 }));
        }),
      );
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
