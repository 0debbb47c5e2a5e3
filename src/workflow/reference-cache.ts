/**
 * OS profiles and templates looked up once per batch of hosts (thousands of hosts share a few of them).
 * Reads go through the store the caller passes, so inside a transaction they use that transaction.
 */
import { parseOsProfileRef, type OsProfile } from '../domain/inventory/os-profile.ts';
import { formatTemplateRef, type ClusterTemplate, type TemplateRef } from '../domain/inventory/template.ts';
import type { Store } from '../store/store.ts';

export interface ReferenceCache {
  /** `ref` is a reference as written (name, or name:version); a name alone is its latest version. */
  osProfile(store: Store, project: string, ref: string): Promise<OsProfile | null>;
  template(store: Store, project: string, ref: TemplateRef): Promise<ClusterTemplate | null>;
}

export function createReferenceCache(): ReferenceCache {
  const profiles = new Map<string, Promise<OsProfile | null>>();
  const templates = new Map<string, Promise<ClusterTemplate | null>>();
  return {
    osProfile(store, project, ref) {
      const key = `${project}/${ref}`;
      let found = profiles.get(key);
      if (!found) profiles.set(key, (found = store.osProfiles.find(project, parseOsProfileRef(ref))));
      return found;
    },
    template(store, project, ref) {
      const key = `${project}/${formatTemplateRef(ref)}`;
      let found = templates.get(key);
      if (!found) templates.set(key, (found = store.templates.find(project, ref)));
      return found;
    },
  };
}
