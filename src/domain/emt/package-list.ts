/**
 * EMT toolkit package lists (`toolkit/imageconfigs/packagelists/<name>.json`, `{"packages": [...]}`) and the
 * choice of what an image build installs from a local repository.
 */
import { invalidField } from '../errors.ts';
import { describe, isRecord } from '../fields.ts';

/** What the `k3s` package list installs: K3s and its SELinux policy. */
export const K3S_PACKAGE_LIST = ['k3s', 'k3s-selinux'] as const;

/** Reads a parsed package list; `file` names it in errors. */
export function parsePackageList(doc: unknown, file: string): string[] {
  const packages = isRecord(doc) ? doc['packages'] : undefined;
  if (!Array.isArray(packages))
    throw invalidField('packages', `${file}: packages must be a list of package names, got ${describe(packages)}`);
  return packages.map((name, i) => {
    if (typeof name !== 'string' || name.trim() === '')
      throw invalidField(`packages/${i}`, `${file}: packages/${i} must be a package name, got ${describe(name)}`);
    return name.trim();
  });
}

/** A package in the local repository. */
export interface RepoPackage {
  name: string;
  version: string;
  release: string;
}

export interface PackageSelection {
  /** The requested entries the repository has, in request order, without duplicates. */
  install: string[];
  /** The requested entries it has not (EMT base packages when the repository holds only edge-orch's RPMs). */
  skipped: string[];
}

/**
 * Keeps the requested entries (`name`, `name-version` or `name-version-release`, as EMT package lists allow) that
 * some package in the repository matches, so an image can be composed from a repository that holds only some
 * of the image's packages; the rest are reported as skipped, never silently dropped.
 */
export function computePackageSelection(requested: readonly string[], available: readonly RepoPackage[]): PackageSelection {
  const known = new Set(available.flatMap((p) => [p.name, `${p.name}-${p.version}`, `${p.name}-${p.version}-${p.release}`]));
  const unique = [...new Set(requested)];
  return { install: unique.filter((r) => known.has(r)), skipped: unique.filter((r) => !known.has(r)) };
}
