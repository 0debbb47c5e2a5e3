/**
 * EMT toolkit package lists (`toolkit/imageconfigs/packagelists/<name>.json`, `{"packages": [...]}`), their
 * entries in the toolkit's grammar (toolkit/tools/internal/pkgjson: `name`, or `name` then one of `=`, `<`, `<=`,
 * `>`, `>=` then a version, spaces allowed around the condition), and the choice of what an image build installs
 * from a local repository.
 */
import { AppError, invalidField } from '../errors.ts';
import { describe, isRecord } from '../fields.ts';
import { compareRpmVersions } from './rpm-version-compare.ts';

/** What the `k3s` package list installs, as the EMT toolkit's own packagelists/k3s.json does. */
export const K3S_PACKAGE_LIST = ['k3s'] as const;

/** edge-orch's SELinux policy package, listed only when asked for: EMT has no k3s-selinux or container-selinux. */
export const K3S_SELINUX_PACKAGE = 'k3s-selinux';

export type VersionCondition = '=' | '<' | '<=' | '>' | '>=';

/** One package list entry. */
export interface PackageRequest {
  /** The entry as written, trimmed. */
  entry: string;
  name: string;
  /** The version constraint; null for a bare name (any version, the newest wins). */
  constraint: { condition: VersionCondition; version: string } | null;
}

// The toolkit's own expression (pkgjson.go, packageWithVersionRegex).
const ENTRY = /^\s*([^><=\s]+)\s*(?:([<>]=|[<>=])\s*([^<>=\s]+))?\s*$/;

/** Reads one entry in the toolkit's grammar; `field` names it in errors. */
export function parsePackageRequest(text: string, field: string): PackageRequest {
  const m = ENTRY.exec(text);
  if (!m)
    throw invalidField(
      field,
      `${field} ${JSON.stringify(text)} is not a package list entry; expected a name, or a name, one of = < <= > >= and a version (for example k3s=1.32.4+k3s1)`,
    );
  const [, name = '', condition, version] = m;
  return { entry: text.trim(), name, constraint: condition && version ? { condition: condition as VersionCondition, version } : null };
}

/** The entry that pins `name` to exactly `version` (an RPM version, for example 1.32.4+k3s1). */
export const renderPinnedRequest = (name: string, version: string): string => `${name}=${version}`;

/** Reads a parsed package list; `file` names it in errors. */
export function parsePackageList(doc: unknown, file: string): PackageRequest[] {
  const packages = isRecord(doc) ? doc['packages'] : undefined;
  if (!Array.isArray(packages))
    throw invalidField('packages', `${file}: packages must be a list of package names, got ${describe(packages)}`);
  return packages.map((entry, i) => {
    if (typeof entry !== 'string' || entry.trim() === '')
      throw invalidField(`packages/${i}`, `${file}: packages/${i} must be a package name, got ${describe(entry)}`);
    return parsePackageRequest(entry, `${file}: packages/${i}`);
  });
}

/** A package in the local repository. */
export interface RepoPackage {
  name: string;
  version: string;
  release: string;
}

/** A request and the package list file that made it. */
export interface ListedRequest {
  request: PackageRequest;
  file: string;
}

export interface PackageSelection {
  /** `name-version-release` of the newest repository package satisfying each request, in request order, once each. */
  install: string[];
  /** The requests the repository cannot satisfy that the caller allowed to be missing (EMT base packages). */
  missing: string[];
}

/**
 * For each request, the newest package of that name whose version satisfies the constraint (`V` compares with
 * the package's version, `V-R` with version and release, in RPM's order). A request nothing satisfies fails the
 * whole selection, naming each such entry and its list, unless its name is in `allowMissing`: the toolkit too
 * fails on a name it cannot resolve, so a build that would fail there does not pass here.
 */
export function computePackageSelection(
  requested: readonly ListedRequest[],
  available: readonly RepoPackage[],
  allowMissing: ReadonlySet<string> = new Set(),
): PackageSelection {
  const install: string[] = [];
  const missing: string[] = [];
  const unresolved: ListedRequest[] = [];
  for (const listed of requested) {
    const best = available
      .filter((p) => p.name === listed.request.name && satisfies(p, listed.request.constraint))
      .sort((a, b) => compareRpmVersions(b.version, a.version) || compareRpmVersions(b.release, a.release))[0];
    if (best) install.push(`${best.name}-${best.version}-${best.release}`);
    else if (allowMissing.has(listed.request.name)) missing.push(listed.request.entry);
    else unresolved.push(listed);
  }
  if (unresolved.length > 0) {
    throw new AppError(
      'InvalidField',
      `the repository has no package for ${unresolved.map((u) => `${u.request.entry} (${u.file})`).join(', ')}; build it, add the repository that has it, or name it with --allow-missing`,
      { field: 'PackageLists', extra: { unresolved: unresolved.map((u) => u.request.entry) } },
    );
  }
  return { install: [...new Set(install)], missing: [...new Set(missing)] };
}

function satisfies(p: RepoPackage, constraint: PackageRequest['constraint']): boolean {
  if (!constraint) return true;
  const dash = constraint.version.lastIndexOf('-');
  const order =
    dash > 0
      ? compareRpmVersions(p.version, constraint.version.slice(0, dash)) ||
        compareRpmVersions(p.release, constraint.version.slice(dash + 1))
      : compareRpmVersions(p.version, constraint.version);
  switch (constraint.condition) {
    case '=':
      return order === 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}
