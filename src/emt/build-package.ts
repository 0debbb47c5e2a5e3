/**
 * `edge-orch emt build`: expands the SPEC's macros with `rpmspec --parse` to learn its name, architecture and
 * source file names, checks every source against the SPEC's signatures, builds the RPMs with rpmbuild in a
 * temporary top directory, then copies them into the repository and indexes it with createrepo_c. Nothing is
 * written to the repository before the build has succeeded.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { invalidField } from '../domain/errors.ts';
import { checkSources, parseSignatures } from '../domain/emt/signatures.ts';
import { toJsonValue, parseJsonSource } from '../render/emt/json-source-parser.ts';
import { parseSpecHeader } from '../render/emt/package-spec.ts';
import { sha256File } from '../system/sha256-file.ts';
import { siblingTempPath } from '../system/sibling-temp-path.ts';
import { requireDirectory } from './files.ts';
import { runTool, toolEnv } from './run-tool.ts';

export interface BuildInput {
  specDir: string;
  sourcesDir: string;
  repoDir: string;
  /** `%{dist}`, which `Release: N%{?dist}` appends; EMT 3's is `.emt3`. */
  dist?: string;
}

/** The `%{dist}` of EMT 3 packages (k3s-1.32.4+k3s1-2.emt3.x86_64.rpm). */
export const EMT_DIST = '.emt3';

export interface BuildResult {
  spec: string;
  /** The RPMs now in the repository (absolute paths). */
  rpms: string[];
  repoDir: string;
}

export async function buildPackage({ specDir, sourcesDir, repoDir, dist = EMT_DIST }: BuildInput): Promise<BuildResult> {
  if (!/^(\.[A-Za-z0-9_]{1,32})?$/.test(dist))
    throw invalidField(
      '--dist',
      `--dist ${JSON.stringify(dist)} is not a dist tag; expected "." and letters, digits or "_" (for example .emt3), or nothing`,
    );
  await requireDirectory(specDir, '--spec');
  await requireDirectory(sourcesDir, '--sources');
  const specs = (await readdir(specDir)).filter((f) => f.endsWith('.spec'));
  if (specs.length !== 1)
    throw invalidField(
      '--spec',
      `--spec ${specDir} must hold exactly one .spec file, found ${specs.length === 0 ? 'none' : specs.join(', ')}`,
    );
  const specFile = resolve(specDir, specs[0]!);
  // EMT's rpm macros put %{_sharedstatedir} at /var/lib (EMT's k3s SPEC installs there); rpm's own default is /usr/com.
  const defines = ['--define', `dist ${dist === '' ? '%{nil}' : dist}`, '--define', '_sharedstatedir /var/lib'];
  const parsed = await runTool(['rpmspec', '--parse', ...defines, specFile]);
  const header = parseSpecHeader(parsed.stdout, specFile);
  const signaturesFile = resolve(specDir, `${basename(specFile, '.spec')}.signatures.json`);
  const signaturesText = await readFile(signaturesFile, 'utf8').catch(() => {
    throw invalidField('--spec', `${signaturesFile} is missing; edge-orch emt spec writes it next to the SPEC`);
  });
  const signatures = parseSignatures(toJsonValue(parseJsonSource(signaturesText, signaturesFile)), signaturesFile);

  const top = await mkdtemp(join(tmpdir(), 'edge-orch-rpmbuild-'));
  try {
    // Copy first, then check the copies: rpmbuild builds exactly the bytes that were checked.
    const sources = join(top, 'SOURCES');
    await mkdir(sources);
    const actual: Record<string, string | null> = {};
    for (const name of Object.keys(signatures)) {
      const copied = await copyFile(join(sourcesDir, name), join(sources, name)).then(
        () => true,
        () => false,
      );
      actual[name] = copied ? await sha256File(join(sources, name)) : null;
    }
    checkSources({ signatures, signaturesFile, specSources: header.sources, specFile, actual, sourcesDir });

    await runTool(
      [
        'rpmbuild',
        '-bb',
        '--define',
        `_topdir ${top}`,
        '--define',
        `_sourcedir ${sources}`,
        ...defines,
        ...(header.arch ? ['--target', header.arch] : []),
        specFile,
      ],
      { env: toolEnv(top) },
    );
    const built = await findRpms(join(top, 'RPMS'));
    if (built.length === 0) throw invalidField('--spec', `rpmbuild wrote no package for ${specFile}`);
    return { spec: specFile, rpms: await publishRpms(built, resolve(repoDir)), repoDir: resolve(repoDir) };
  } finally {
    await rm(top, { recursive: true, force: true });
  }
}

async function findRpms(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.rpm'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Copies the RPMs into the repository (each through a temporary sibling) and runs `createrepo_c --update`.
 * When indexing fails, the repository gets its previous files back.
 */
async function publishRpms(rpms: string[], repoDir: string): Promise<string[]> {
  await mkdir(repoDir, { recursive: true });
  const placed: { target: string; backup: string | null }[] = [];
  try {
    for (const rpm of rpms) {
      const target = join(repoDir, basename(rpm));
      const temp = siblingTempPath(target);
      await copyFile(rpm, temp);
      const backup = siblingTempPath(`${target}.old`);
      const hadOld = await rename(target, backup).then(
        () => true,
        () => false,
      );
      await rename(temp, target);
      placed.push({ target, backup: hadOld ? backup : null });
    }
    await runTool(['createrepo_c', '--update', '--quiet', repoDir]);
  } catch (error) {
    for (const { target, backup } of placed.reverse()) {
      await rm(target, { force: true });
      if (backup) await rename(backup, target);
    }
    throw error;
  }
  for (const { backup } of placed) if (backup) await rm(backup, { force: true });
  return placed.map((p) => p.target);
}
