/**
 * RPM SPEC files for the packages of domain/emt/k3s-package.ts, in the EMT toolkit's layout (SPECS/<name>/<name>.spec)
 * and to its SPEC rules (domain/emt/spec-guidelines.ts), and the header fields `edge-orch emt build` reads back
 * from a SPEC once `rpmspec --parse` has expanded its macros.
 */
import { invalidField } from '../../domain/errors.ts';
import type { EmtPackage } from '../../domain/emt/k3s-package.ts';
import { EMT_DISTRIBUTION, EMT_ORIGINAL_SPEC_LINE, EMT_VENDOR, LICENSE_VERIFIED_LINE } from '../../domain/emt/spec-guidelines.ts';

/** `%` starts a macro in every part of a SPEC; text is escaped so it reads as written. */
const literal = (text: string): string => text.replaceAll('%', '%%');

const field = (name: string, value: string): string => `${`${name}:`.padEnd(16)}${value}`;

const mode = (m: number): string => m.toString(8).padStart(4, '0');

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A changelog date as rpm wants it (`Tue Jun 17 2025`, weekday matching the date, or rpmbuild refuses it). */
const changelogDate = (d: Date): string =>
  `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')} ${d.getUTCFullYear()}`;

export interface SpecOptions {
  /** The command line that wrote it, recorded in a comment. */
  generatedBy?: string;
  /** The changelog entry's date (UTC day). */
  date: Date;
  /** The changelog entry's author, `Name <email>`. */
  packager?: string;
}

/** Who the changelog names when the caller does not. */
export const DEFAULT_PACKAGER = 'edge-orch <edge-orch@localhost>';

/**
 * A buildable SPEC that passes the toolkit's SPEC checker. The sources are installed byte for byte: no
 * debuginfo, no brp scripts (strip, compression, shebang mangling), no build-id links; `%files` lists exactly
 * the installed files, not their directories. RPM's dependency generator runs, so the install script requires
 * /bin/sh as on any EMT image.
 */
export function renderPackageSpec(pkg: EmtPackage, { generatedBy, date, packager = DEFAULT_PACKAGER }: SpecOptions): string {
  const lines: string[] = [
    `# ${literal(generatedBy ? `Written by: ${generatedBy.replace(/\s+/g, ' ')}` : 'Written by edge-orch emt spec')}. Regenerate it rather than edit it:`,
    '# the sources are listed with their sha256 in the signatures file next to it.',
    '%global debug_package %{nil}',
    '%global __os_install_post %{nil}',
    '%global _build_id_links none',
    ...(pkg.payload ? [`%global _binary_payload ${pkg.payload}`] : []),
    '',
    field('Name', pkg.name),
    field('Version', pkg.rpmVersion),
    field('Release', `${pkg.release}%{?dist}`),
    field('Summary', literal(pkg.summary)),
    field('License', literal(pkg.license)),
    field('Vendor', EMT_VENDOR),
    field('Distribution', EMT_DISTRIBUTION),
    field('URL', pkg.url),
    pkg.arch === 'noarch' ? field('BuildArch', 'noarch') : field('ExclusiveArch', pkg.arch),
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
    ...pkg.files.map((f) => `${f.config ? `%config(${f.config}) ` : ''}%attr(${mode(f.mode)}, root, root) ${f.target}`),
  ];
  if (pkg.postLua) lines.push('', '%post -p <lua>', ...pkg.postLua);
  if (pkg.preunLua) lines.push('', '%preun -p <lua>', ...pkg.preunLua);
  if (pkg.postunLua) lines.push('', '%postun -p <lua>', ...pkg.postunLua);
  lines.push(
    '',
    '%changelog',
    `* ${changelogDate(date)} ${literal(packager)} - ${pkg.rpmVersion}-${pkg.release}`,
    `- ${EMT_ORIGINAL_SPEC_LINE}`,
    `- ${LICENSE_VERIFIED_LINE}`,
  );
  return `${lines.join('\n')}\n`;
}

export interface SpecHeader {
  name: string;
  /** The one architecture to build for (`--target`): a single `ExclusiveArch`, or `noarch`; null builds for this machine. */
  arch: string | null;
  /** The file names of the `SourceN:` lines, in order (the part after `#/` or the last `/` of a URL). */
  sources: string[];
}

/** Reads the header fields `emt build` needs from a SPEC whose macros are expanded; `file` names it in errors. */
export function parseSpecHeader(parsedText: string, file: string): SpecHeader {
  const value = (tag: string): string | undefined => new RegExp(`^${tag}:\\s*(.*?)\\s*$`, 'mi').exec(parsedText)?.[1];
  const name = value('Name');
  if (!name) throw invalidField('Name', `${file} has no Name: line`);
  const exclusive =
    value('ExclusiveArch')
      ?.split(/[\s,]+/)
      .filter(Boolean) ?? [];
  const arch = value('BuildArch') === 'noarch' ? 'noarch' : exclusive.length === 1 ? exclusive[0]! : null;
  const sources = [...parsedText.matchAll(/^Source\d*:\s*(\S+)\s*$/gim)].map((m) => m[1]!.split('#/').pop()!.split('/').pop()!);
  return { name, arch, sources };
}
