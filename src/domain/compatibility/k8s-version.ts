/**
 * Kubernetes distribution versions as K3s and RKE2 publish them: `v1.32.4+k3s1`, `v1.30.10+rke2r1`.
 * Parsed strictly and compared numerically; the RPM mapping round-trips to the exact upstream string.
 */
import { invalidField } from '../errors.ts';
import { describe } from '../fields.ts';

export type KubernetesFlavor = 'k3s' | 'rke2';

export interface KubernetesVersion {
  major: number;
  minor: number;
  patch: number;
  flavor: KubernetesFlavor;
  /** The distribution's build number: the N in `+k3sN` / `+rke2rN`. */
  build: number;
  /** The exact upstream string, for example `v1.32.4+k3s1`. */
  raw: string;
}

export const KUBERNETES_VERSION_FORM = 'v<major>.<minor>.<patch>+k3s<N> or v<major>.<minor>.<patch>+rke2r<N>, for example v1.32.4+k3s1';

const VERSION_PATTERN = /^v(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})\+(k3s|rke2r)([1-9]\d{0,3})$/;

/** Parses an upstream version or returns null; use `parseKubernetesVersion` for a typed error. */
export function tryParseKubernetesVersion(text: string): KubernetesVersion | null {
  const m = VERSION_PATTERN.exec(text);
  if (!m) return null;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    flavor: m[4] === 'k3s' ? 'k3s' : 'rke2',
    build: Number(m[5]),
    raw: text,
  };
}

/** Parses an upstream version; throws InvalidField naming `field` and the expected form. */
export function parseKubernetesVersion(text: unknown, field = 'kubernetesVersion'): KubernetesVersion {
  const parsed = typeof text === 'string' ? tryParseKubernetesVersion(text) : null;
  if (!parsed) {
    const given =
      typeof text === 'string' ? `${JSON.stringify(text)} is not a Kubernetes version` : `must be a string, got ${describe(text)}`;
    throw invalidField(field, `${field} ${given}; expected ${KUBERNETES_VERSION_FORM}`);
  }
  return parsed;
}

/** Numeric order: major, minor, patch, then build; versions of different flavors order k3s before rke2. */
export function compareKubernetesVersions(a: KubernetesVersion, b: KubernetesVersion): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    (a.flavor === b.flavor ? 0 : a.flavor === 'k3s' ? -1 : 1) ||
    a.build - b.build
  );
}

/**
 * The RPM `Version:` of an upstream version, as EMT writes it (`Version: %{_version}+k3s1`): `v1.32.4+k3s1`
 * becomes `1.32.4+k3s1`. rpmvercmp orders it numerically; `fromRpmVersion` recovers the exact upstream string.
 */
export function toRpmVersion(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}.${version.patch}+${version.flavor === 'k3s' ? 'k3s' : 'rke2r'}${version.build}`;
}

/**
 * The upstream version of an RPM version: EMT's form (`1.32.4+k3s1`) or the `_` form older packages used
 * (`1.32.4_k3s1`); null for any other (a bare `1.32.4` does not say which K3s build it is).
 */
export function fromRpmVersion(rpmVersion: string): KubernetesVersion | null {
  const m = /^(\d+\.\d+\.\d+)[+_](k3s|rke2r)(\d+)$/.exec(rpmVersion);
  return m ? tryParseKubernetesVersion(`v${m[1]}+${m[2]}${m[3]}`) : null;
}
