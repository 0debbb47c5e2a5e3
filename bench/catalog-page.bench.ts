/**
 * Catalog pages under load (issue 14, item 9): a 100-entry page of OS profiles and of templates, first and in the
 * middle of a catalog of 10,000 OS profile versions (100 names × 100 versions) and 10,000 templates (1,000 names ×
 * 10 versions), each from 64 keep-alive connections against a bare Node.js http server sending the same bytes
 * (bench/http-load.ts). A middle page starts inside one name's versions and ends in the next name's: both
 * ranges a page reads (src/store/name-version-page.ts). The server runs as `edge-orch serve` (SQLite, log level
 * info, its defaults); the catalog is written into its database between two starts, copies of the shared
 * profile and template it imported with new names and versions.
 *
 *   node bench/catalog-page.bench.ts [--seconds N] [--connections N] [--quick]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { osProfileVersionSortKey } from '../src/domain/inventory/os-profile.ts';
import { templateVersionSortKey } from '../src/domain/inventory/template.ts';
import { readFormat } from '../test/support/formats.ts';
import { COMPARISON_HEADER, compareWithBare } from './http-load.ts';
import { reportResults, type BenchResult } from './report.ts';
import { startServe } from './serve-process.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '64' },
    quick: { type: 'boolean', default: false },
  },
});
const SECONDS = values.quick ? 0.5 : Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const PROFILES = values.quick ? { names: 10, versions: 10 } : { names: 100, versions: 100 };
const TEMPLATES = values.quick ? { names: 10, versions: 10 } : { names: 1000, versions: 10 };

/** Copies the one stored profile and template into PROFILES and TEMPLATES rows, with new names and versions. */
function seed(file: string): void {
  const db = new Database(file);
  const profile = db.prepare('select * from os_profile_versions').get() as Record<string, string>;
  const template = db.prepare('select * from templates').get() as Record<string, string>;
  const insertProfile = db.prepare(
    `insert into os_profile_versions (project, name, version, resource_id, doc, created_at, version_key) values ('default', ?, ?, ?, ?, ?, ?)`,
  );
  const insertTemplate = db.prepare(
    `insert into templates (project, name, version, flavor, kubernetes_version, doc, config, created_at, version_key)
     values ('default', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const profileDoc = JSON.parse(profile['doc']!) as Record<string, unknown>;
  const templateDoc = JSON.parse(template['doc']!) as Record<string, unknown>;
  db.transaction(() => {
    for (let n = 0; n < PROFILES.names; n++)
      for (let v = 0; v < PROFILES.versions; v++) {
        const name = `emt-${String(n).padStart(3, '0')}`;
        const version = `3.0.${20260101 + v}.${v % 7}`;
        const resourceId = `os-${(n * PROFILES.versions + v).toString(16).padStart(8, '0')}`;
        const doc = JSON.stringify({ ...profileDoc, name, version, resourceId });
        insertProfile.run(name, version, resourceId, doc, profile['created_at'], osProfileVersionSortKey(version));
      }
    for (let n = 0; n < TEMPLATES.names; n++)
      for (let v = 0; v < TEMPLATES.versions; v++) {
        const name = `k3s-${String(n).padStart(4, '0')}`;
        const version = `v0.${v}.${n % 3}`;
        const doc = JSON.stringify({ ...templateDoc, name, version });
        const { flavor, kubernetes_version, config, created_at } = template;
        insertTemplate.run(name, version, flavor, kubernetes_version, doc, config, created_at, templateVersionSortKey(version));
      }
  })();
  db.close();
}

const dir = mkdtempSync(join(tmpdir(), 'edge-orch-catalog-'));
const results: BenchResult[] = [];
try {
  const first = await startServe(join(dir, 'data'), ['--log-level', 'info']);
  const headers = { authorization: `Bearer ${readFileSync(first.tokenFile, 'utf8').trim()}`, 'content-type': 'application/json' };
  try {
    const post = async (path: string, body: unknown): Promise<void> => {
      const res = await fetch(`${first.url}/api/v1/projects/default${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
    };
    await post('/osprofiles/import', { document: readFormat('os-profiles/microvisor-nonrt.yaml') });
    await post('/templates', JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')));
  } finally {
    await first.stop();
  }
  seed(join(dir, 'data', 'edge-orch.sqlite'));

  const server = await startServe(join(dir, 'data'), ['--log-level', 'info']);
  try {
    const base = `${server.url}/api/v1/projects/default`;
    /**
     * The URL of a 100-entry page from about the middle of a list of `total`, found by following nextCursor as a
     * client does: a first page of 55 puts it inside a name's versions, so it reads both ranges of a page.
     */
    const middlePage = async (list: string, total: number): Promise<string> => {
      let url = `${base}/${list}?limit=55`;
      for (let i = 0; i <= Math.max(0, Math.floor((total / 2 - 55) / 100)); i++) {
        const { nextCursor } = (await (await fetch(url, { headers })).json()) as { nextCursor: string };
        url = `${base}/${list}?limit=100&cursor=${nextCursor}`;
      }
      return url;
    };
    const cases = [
      { name: 'GET 100 OS profiles', path: `${base}/osprofiles?limit=100` },
      { name: 'GET 100 OS profiles, mid', path: await middlePage('osprofiles', PROFILES.names * PROFILES.versions) },
      { name: 'GET 100 templates', path: `${base}/templates?limit=100` },
      { name: 'GET 100 templates, mid', path: await middlePage('templates', TEMPLATES.names * TEMPLATES.versions) },
    ];
    console.log(
      `Catalog pages, ${PROFILES.names * PROFILES.versions} OS profile versions and ${TEMPLATES.names * TEMPLATES.versions} templates, ${CONNECTIONS} connections, ${SECONDS} s per case (SQLite, node ${process.version})`,
    );
    console.log(COMPARISON_HEADER);
    for (const { name, path } of cases)
      results.push(...(await compareWithBare(name, path, headers, server.child.pid!, { connections: CONNECTIONS, seconds: SECONDS })));
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
reportResults(results);
