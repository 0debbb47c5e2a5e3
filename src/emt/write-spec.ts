/**
 * `edge-orch emt spec`: writes SPECS/<name>/<name>.spec and <name>.signatures.json (the sha256 of every source,
 * hashed from the sources directory). Every source is hashed before anything is written; each file is then
 * written atomically, so a failure leaves the SPEC directory as it was.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { invalidField } from '../domain/errors.ts';
import type { EmtPackage } from '../domain/emt/k3s-package.ts';
import type { Signatures } from '../domain/emt/signatures.ts';
import { renderPackageSpec } from '../render/emt/package-spec.ts';
import { renderSignatures } from '../render/emt/signatures.ts';
import { sha256File } from '../system/sha256-file.ts';
import { writeFileAtomic } from '../system/write-file-atomic.ts';
import { requireDirectory } from './files.ts';

export interface WriteSpecInput {
  pkg: EmtPackage;
  sourcesDir: string;
  outDir: string;
  /** The command line, recorded in the SPEC's first comment. */
  generatedBy?: string;
  /** The changelog entry's date; today by default. */
  date?: Date;
  /** The changelog entry's author, `Name <email>`. */
  packager?: string;
}

export interface WrittenSpec {
  specFile: string;
  signaturesFile: string;
  name: string;
  rpmVersion: string;
  release: string;
  arch: string;
  signatures: Signatures;
}

export async function writePackageSpec({
  pkg,
  sourcesDir,
  outDir,
  generatedBy,
  date = new Date(),
  packager,
}: WriteSpecInput): Promise<WrittenSpec> {
  await requireDirectory(sourcesDir, '--sources');
  const signatures: Signatures = {};
  for (const { source } of pkg.files) {
    const sha = await sha256File(join(sourcesDir, source));
    if (sha === null) {
      throw invalidField(
        `sources/${source}`,
        `source ${source} is missing from ${sourcesDir}; the ${pkg.name} SPEC needs ${pkg.files.map((f) => f.source).join(', ')}`,
      );
    }
    signatures[source] = sha;
  }
  const specFile = resolve(outDir, `${pkg.name}.spec`);
  const signaturesFile = resolve(outDir, `${pkg.name}.signatures.json`);
  await writeFileAtomic(
    specFile,
    renderPackageSpec(pkg, { date, ...(generatedBy ? { generatedBy } : {}), ...(packager ? { packager: parsePackager(packager) } : {}) }),
  );
  await writeFileAtomic(signaturesFile, renderSignatures(signatures));
  return { specFile, signaturesFile, name: pkg.name, rpmVersion: pkg.rpmVersion, release: pkg.release, arch: pkg.arch, signatures };
}

/** A changelog author as rpm reads it: a name and an address in angle brackets, on one line. */
function parsePackager(text: string): string {
  if (/^[^<>\n%]+ <[^<>\s%]+>$/.test(text)) return text;
  throw invalidField('--packager', `--packager ${JSON.stringify(text)} is not a changelog author; expected "Name <email>"`);
}

/** The regular files directly in `dir` (the addon package's sources). */
export async function listSourceFiles(dir: string): Promise<string[]> {
  await requireDirectory(dir, '--sources');
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}
