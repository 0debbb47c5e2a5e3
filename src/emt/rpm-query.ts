/** What rpm says about a repository's packages and about the packages installed in an image root. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstalledPackage } from '../domain/emt/installed-image-manifest.ts';
import type { RepoPackage } from '../domain/emt/package-list.ts';
import { runTool } from './run-tool.ts';

const rows = (text: string): string[][] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));

/** The packages of every *.rpm under `repo` (the files createrepo_c indexed). */
export async function listRepoPackages(repo: string): Promise<(RepoPackage & { arch: string })[]> {
  const entries = await readdir(repo, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.rpm') && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name));
  if (files.length === 0) return [];
  const { stdout } = await runTool([
    'rpm',
    '-qp',
    '--nosignature',
    '--qf',
    '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n',
    '--',
    ...files,
  ]);
  return rows(stdout).map(([name = '', version = '', release = '', arch = '']) => ({ name, version, release, arch }));
}

/** Every package installed in `rootfs` (rpm database at `dbPath` inside it). */
export async function queryInstalledPackages(rootfs: string, dbPath: string): Promise<InstalledPackage[]> {
  const { stdout } = await runTool([
    'rpm',
    '--root',
    rootfs,
    '--dbpath',
    dbPath,
    '-qa',
    '--qf',
    '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{DISTRIBUTION}\\t%{URL}\\t%{LICENSE}\\n',
  ]);
  return rows(stdout).map(([name = '', version = '', release = '', arch = '', distribution = '', url = '', license = '']) => ({
    name,
    version,
    release,
    arch,
    distribution,
    url,
    license,
  }));
}

/** The `Provides:` of an installed package, name → version (`k3s-upstream-version` → `v1.32.4+k3s1`). */
export async function queryInstalledK3s(rootfs: string, dbPath: string, name: string): Promise<Record<string, string>> {
  const { stdout } = await runTool([
    'rpm',
    '--root',
    rootfs,
    '--dbpath',
    dbPath,
    '-q',
    '--qf',
    '[%{PROVIDENAME}\\t%{PROVIDEVERSION}\\n]',
    '--',
    name,
  ]);
  return Object.fromEntries(rows(stdout).map(([n = '', v = '']) => [n, v]));
}

/** The files of an installed package (`rpm -ql`), directories included, as paths on the image. */
export async function queryPackageFiles(rootfs: string, dbPath: string, name: string): Promise<string[]> {
  const { stdout } = await runTool(['rpm', '--root', rootfs, '--dbpath', dbPath, '-ql', '--', name]);
  return stdout.split('\n').filter((line) => line.startsWith('/'));
}
