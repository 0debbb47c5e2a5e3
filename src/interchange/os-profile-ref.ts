/**
 * The OSProfile cell (and --os-profile) resolved the way orch-cli resolves it: by the profile's display name
 * (infra-core's spec.name, for example "Edge Microvisor Toolkit 3.0.20250504") or its resource id, and also by
 * edge-orch's own profile name. A value that matches nothing names the closest profiles.
 */
import { parsedProblems, parsedValue, type Parsed } from '../domain/problem.ts';

/** What the OS profile list says about a profile; the fields edge-orch may not keep are optional. */
export interface OsProfileRefTarget {
  name: string;
  displayName?: string | null;
  resourceId?: string | null;
  /** infra-core's securityFeature, e.g. SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION. */
  securityFeature?: string | null;
}

/** infra-core's OS resource id (inventory/api/os/v1/os.proto), as orch-cli's validator spells it. */
const RESOURCE_ID = /^os-[0-9a-f]{8}$/;
const CLOSEST = 3;

export function resolveOsProfileRef<T extends OsProfileRefTarget>(value: string, profiles: readonly T[]): Parsed<T, string> {
  const byName = profiles.find((p) => p.name === value);
  if (byName) return parsedValue(byName);
  const byDisplayName = profiles.filter((p) => p.displayName === value);
  if (byDisplayName.length === 1) return parsedValue(byDisplayName[0]!);
  if (byDisplayName.length > 1) {
    return parsedProblems(
      `${JSON.stringify(value)} is the display name of ${byDisplayName.length} OS profiles (${byDisplayName.map((p) => p.name).join(', ')}); write the name of the one you mean`,
    );
  }
  const byResourceId = profiles.find((p) => p.resourceId === value);
  if (byResourceId) return parsedValue(byResourceId);
  const why = RESOURCE_ID.test(value)
    ? ' (a resource id is given by the orchestrator that created the profile; edge-orch has its own, so name the profile instead)'
    : '';
  if (profiles.length === 0) {
    return parsedProblems(
      `no OS profile is named ${JSON.stringify(value)}${why}; this project has no OS profiles yet (edge-orch osprofile import)`,
    );
  }
  const closest = closestProfiles(value, profiles)
    .map((p) => (p.displayName && p.displayName !== p.name ? `${p.name} ("${p.displayName}")` : p.name))
    .join(', ');
  return parsedProblems(`no OS profile has the name, display name or resource id ${JSON.stringify(value)}${why}; the closest: ${closest}`);
}

function closestProfiles<T extends OsProfileRefTarget>(value: string, profiles: readonly T[]): T[] {
  const wanted = value.toLowerCase();
  return profiles
    .map((p) => ({
      p,
      distance: Math.min(
        editDistance(wanted, p.name.toLowerCase()),
        p.displayName ? editDistance(wanted, p.displayName.toLowerCase()) : Infinity,
      ),
    }))
    .sort((a, b) => a.distance - b.distance || a.p.name.localeCompare(b.p.name))
    .slice(0, CLOSEST)
    .map(({ p }) => p);
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
