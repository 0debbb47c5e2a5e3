/**
 * Deleting an OS profile version (the store refuses while it is in use). A name alone deletes its only version;
 * with several versions the caller must say which, so no version is deleted by guesswork.
 */
import { invalidField } from '../../domain/errors.ts';
import { formatOsProfileRef, type OsProfileRef } from '../../domain/inventory/os-profile.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function deleteOsProfile(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, ref }: { project: string; ref: OsProfileRef },
): Promise<void> {
  if (ref.version !== undefined) return store.osProfiles.delete(project, { name: ref.name, version: ref.version });
  const versions = await store.osProfiles.versions(project, ref.name);
  if (versions.length > 1) {
    throw invalidField(
      'version',
      `OS profile ${ref.name} has ${versions.length} versions (${versions.map((p) => p.version).join(', ')}); name the one to delete, for example ${formatOsProfileRef(versions[0]!)}`,
    );
  }
  const only = (await store.osProfiles.get(project, ref)).version;
  await store.osProfiles.delete(project, { name: ref.name, version: only });
}
