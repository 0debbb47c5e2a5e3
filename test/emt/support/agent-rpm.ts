/**
 * The edge-orch-agent RPM for tests, built from this checkout with `emt agent-sources`, `emt spec` and `emt build`
 * (their functions), once per set of inputs: the result is kept in the checkout's .cache/ under the sha256 of
 * the sources and the SPEC, so every test file and every later run with the same code reuses it. Also a
 * stand-in for the EMT libraries the packaged Node.js runtime links against (glibc, libstdc++, libgcc).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPackage } from '../../../src/emt/build-package.ts';
import { writeAgentSources } from '../../../src/emt/write-agent-sources.ts';
import { writePackageSpec } from '../../../src/emt/write-spec.ts';
import { AGENT_PACKAGE_NAME, computeAgentPackage } from '../../../src/domain/emt/agent-package.ts';

export const AGENT_TEST_VERSION = '0.1.0';

export interface AgentRpm {
  /** An indexed repository holding only the agent RPM (dnf's --repofrompath). */
  repo: string;
  rpm: string;
  /** How long the build took here, in ms; 0 when it came from the cache. */
  buildMs: number;
}

// In the checkout's own .cache/ (ignored by git), so two checkouts never clear each other's builds.
const CACHE = join(import.meta.dirname, '..', '..', '..', '.cache', 'agent-rpm');
// The SPEC's changelog is dated; a fixed date keeps equal inputs equal.
const SPEC_DATE = new Date('2026-01-01T00:00:00Z');

/** Builds the agent RPM, or returns the one built earlier from the same inputs. */
export async function buildAgentRpm(): Promise<AgentRpm> {
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, 'build-'));
  try {
    const sources = join(work, 'sources');
    const specDir = join(work, 'SPECS', AGENT_PACKAGE_NAME);
    await writeAgentSources({ outDir: sources });
    await writePackageSpec({
      pkg: computeAgentPackage({ version: AGENT_TEST_VERSION, arch: 'amd64' }),
      sourcesDir: sources,
      outDir: specDir,
      date: SPEC_DATE,
    });
    const hash = createHash('sha256');
    for (const file of [...readdirSync(sources).map((f) => join(sources, f)), ...readdirSync(specDir).map((f) => join(specDir, f))].sort())
      hash.update(file.slice(work.length)).update(readFileSync(file));
    const done = join(CACHE, hash.digest('hex').slice(0, 24));
    if (!existsSync(join(done, 'repo', 'repodata'))) {
      const started = Date.now();
      const built = await buildPackage({ specDir, sourcesDir: sources, repoDir: join(work, 'repo') });
      writeFileSync(join(work, 'build-ms'), String(Date.now() - started));
      rmSync(sources, { recursive: true, force: true });
      try {
        renameSync(work, done);
        // Builds of earlier code are of no further use (about 40 MB each).
        for (const old of readdirSync(CACHE))
          if (!old.startsWith('build-') && join(CACHE, old) !== done) rmSync(join(CACHE, old), { recursive: true, force: true });
      } catch {
        // Another test file built the same inputs at the same time: its result is as good.
      }
      if (!existsSync(join(done, 'repo', 'repodata'))) throw new Error(`the agent RPM build left no repository at ${done}`);
      return { repo: join(done, 'repo'), rpm: join(done, 'repo', built.rpms[0]!.split('/').pop()!), buildMs: Date.now() - started };
    }
    const rpm = readdirSync(join(done, 'repo')).find((f) => f.endsWith('.rpm'))!;
    return { repo: join(done, 'repo'), rpm: join(done, 'repo', rpm), buildMs: 0 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * An indexed repository with one empty `glibc` package that provides every library the agent RPM requires
 * (rpm's dependency generator lists them from the Node.js runtime), as EMT's glibc, libstdc++ and libgcc do.
 */
export function buildRuntimeLibsRepo(dir: string, agentRpm: string): string {
  const provides = execFileSync('rpm', ['-qp', '--requires', '--nosignature', agentRpm], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('rpmlib(') && !l.startsWith('config(') && !l.startsWith('/'));
  const top = join(dir, 'libs-build');
  mkdirSync(top, { recursive: true });
  writeFileSync(
    join(top, 'glibc.spec'),
    [
      'Name: glibc',
      'Version: 2.38',
      'Release: 1%{?dist}',
      'Summary: stand-in for the EMT libraries the Node.js runtime links against',
      'License: MIT',
      'BuildArch: noarch',
      ...provides.map((p) => `Provides: ${p}`),
      '%description',
      'Stand-in.',
      '%files',
      '',
    ].join('\n'),
  );
  execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, '--define', 'dist .emt3', join(top, 'glibc.spec')]);
  const repo = join(dir, 'emt-libs');
  mkdirSync(repo, { recursive: true });
  for (const rpm of readdirSync(join(top, 'RPMS', 'noarch'))) renameSync(join(top, 'RPMS', 'noarch', rpm), join(repo, rpm));
  execFileSync('createrepo_c', ['--quiet', repo]);
  return repo;
}
