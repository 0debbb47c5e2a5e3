/**
 * The catalog read to its end: OS profiles and templates are paged by the server, and the pickers and the matrix
 * need every entry.
 */
import { readAllPages } from '../../../src/contract/read-all-pages.ts';
import { api, unwrap, type OsProfile, type Template, type TemplateList } from './client.ts';

export type ExcludedTemplate = NonNullable<TemplateList['excluded']>[number];
export interface TemplateQuery {
  name?: string;
  compatibleWithOsProfile?: string;
  explain?: boolean;
}

/** Every OS profile version of the project. */
export function readOsProfiles(project: string, signal?: AbortSignal): Promise<OsProfile[]> {
  return readAllPages((cursor) =>
    unwrap(api.GET('/api/v1/projects/{project}/osprofiles', { params: { path: { project }, query: { limit: 500, cursor } }, signal })),
  );
}

/** Every page of a template list, with the templates each page excluded. */
export async function readTemplates(
  project: string,
  query: TemplateQuery = {},
  signal?: AbortSignal,
): Promise<{ items: Template[]; excluded: ExcludedTemplate[] }> {
  const excluded: ExcludedTemplate[] = [];
  const items = await readAllPages(async (cursor) => {
    const page = await unwrap(
      api.GET('/api/v1/projects/{project}/templates', { params: { path: { project }, query: { ...query, limit: 500, cursor } }, signal }),
    );
    excluded.push(...(page.excluded ?? []));
    return page;
  });
  return { items, excluded };
}
