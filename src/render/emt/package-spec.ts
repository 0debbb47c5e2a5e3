/**
 * RPM SPEC files for the packages of domain/emt/k3s-package.ts, in the EMT toolkit's layout (SPECS/<name>/<name>.spec),
 * and the few header fields `edge-orch emt build` reads back from one.
 */
import { invalidField } from '../../domain/errors.ts';
import type { EmtPackage } from '../../domain/emt/k3s-package.ts';

/** `%` starts a macro in every part of a SPEC; text is escaped so it reads as written. */
const literal = (text: string): string => text.replaceAll('%', '%%');

const field = (name: string, value: string): string => `${`${name}:`.padEnd(16)}${value}`;

const mode = (m: number): string => m.toString(8).padStart(4, '0');

/**
 * A buildable SPEC. The sources are installed byte for byte: no debuginfo, no brp scripts (strip, compression,
 * shebang mangling), no build-id links, no automatic requires/provides; `%files` lists exactly the installed
 * files, not their directories. `generatedBy` is the command line that wrote it, recorded in a comment.
 */
export function renderPackageSpec(pkg: EmtPackage, { generatedBy }: { generatedBy?: string } = {}): string {
  const lines: string[] = [
    `# ${literal(generatedBy ? `Written by: ${generatedBy.replace(/\s+/g, ' ')}` : 'Written by edge-orch emt spec')}. Regenerate it rather than edit it:`,
    '# the sources are listed with their sha256 in the signatures file next to it.',
    '%global debug_package %{nil}',
    '%global __os_install_post %{nil}',
    '%global _build_id_links none',
    '',
    field('Name', pkg.name),
    field('Version', pkg.rpmVersion),
    field('Release', pkg.release),
    field('Summary', literal(pkg.summary)),
    field('License', literal(pkg.license)),
    field('Vendor', 'edge-orch'),
    field('Distribution', 'Edge Microvisor Toolkit'),
    field('URL', pkg.url),
    pkg.arch === 'noarch' ? field('BuildArch', 'noarch') : field('ExclusiveArch', pkg.arch),
    field('AutoReqProv', 'no'),
    ...pkg.provides.map((p) => field('Provides', literal(p))),
    ...pkg.files.map((f, i) => field(`Source${i}`, f.source)),
    '',
    '%description',
    ...pkg.description.map(literal),
    '',
    '%prep',
    '',
    '%build',
    '',
    '%install',
    ...pkg.files.map((f, i) => `install -D -m ${mode(f.mode)} %{SOURCE${i}} %{buildroot}${f.target}`),
    '',
    '%files',
    ...pkg.files.map((f) => `%attr(${mode(f.mode)}, root, root) ${f.target}`),
  ];
  if (pkg.postLua) lines.push('', '%post -p <lua>', ...pkg.postLua);
  if (pkg.postunLua) lines.push('', '%postun -p <lua>', ...pkg.postunLua);
  return `${lines.join('\n')}\n`;
}

export interface SpecHeader {
  name: string;
  /** The RPM architecture to build for (`--target`): the `ExclusiveArch` or `BuildArch: noarch`. */
  arch: string;
  /** The file names of the `SourceN:` lines, in order (the part after `#/` or the last `/` of a URL). */
  sources: string[];
}

/** Reads the header fields `emt build` needs; `file` names the SPEC in errors. */
export function parseSpecHeader(text: string, file: string): SpecHeader {
  const value = (tag: string): string | undefined => new RegExp(`^${tag}:\\s*(\\S+)\\s*$`, 'mi').exec(text)?.[1];
  const name = value('Name');
  if (!name) throw invalidField('Name', `${file} has no Name: line`);
  const arch = value('ExclusiveArch') ?? value('BuildArch');
  if (!arch)
    throw invalidField(
      'ExclusiveArch',
      `${file} has neither an ExclusiveArch: nor a BuildArch: line, so the architecture to build for is unknown`,
    );
  const sources = [...text.matchAll(/^Source\d*:\s*(\S+)\s*$/gim)].map((m) => m[1]!.split('#/').pop()!.split('/').pop()!);
  return { name, arch, sources };
}
