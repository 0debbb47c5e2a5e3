import { AppError, notFound } from '../domain/errors.ts';
import {
  checkTemplateRef,
  formatTemplateRef,
  templateVersionSortKey,
  type ClusterTemplate,
  type ControlPlaneConfig,
} from '../domain/inventory/template.ts';
import { nowIso } from './create-id.ts';
import type { Db } from './database.ts';
import { documentKey, type DocumentCache } from './document-cache.ts';
import { nameInCodePointOrder, readNameVersionPage } from './name-version-page.ts';
import { decodeCursorAs, pageLimit, toPage } from './paging.ts';
import { insertOrConflict } from './store-errors.ts';
import type { TemplateStore } from './store.ts';

/**
 * Both columns are written together by create (and by migration 0004 for rows stored before it). Rows stored
 * before templates kept their unused fields have none.
 */
const templateOf = (row: { doc: string; config: string }): ClusterTemplate => {
  const doc = JSON.parse(row.doc) as Omit<ClusterTemplate, 'config' | 'unusedFields'> & { unusedFields?: ClusterTemplate['unusedFields'] };
  return { ...doc, unusedFields: doc.unusedFields ?? {}, config: JSON.parse(row.config) as ControlPlaneConfig };
};

export type TemplateRow = { doc: string; config: string };

/** `engine` decides how names compare: in code point order on both (see migration 0017). */
export function createTemplateStore(db: Db, documents: DocumentCache<TemplateRow>, engine: 'sqlite' | 'postgres'): TemplateStore {
  const nameColumn = nameInCodePointOrder(engine);
  const find: TemplateStore['find'] = async (project, ref) => {
    const row = await documents.read(documentKey(project, ref.name, ref.version), () =>
      db
        .selectFrom('templates')
        .select(['doc', 'config'])
        .where('project', '=', project)
        .where('name', '=', ref.name)
        .where('version', '=', ref.version)
        .executeTakeFirst(),
    );
    return row ? templateOf(row) : null;
  };
  return {
    async create(project, template) {
      if (await find(project, template)) {
        throw new AppError(
          'AlreadyExists',
          `template ${formatTemplateRef(template)} already exists in project ${project}; template versions are immutable, create a new version`,
          { extra: { existing: { name: template.name, version: template.version } } },
        );
      }
      const { config, ...doc } = template;
      await insertOrConflict(`template ${formatTemplateRef(template)}`, () =>
        db
          .insertInto('templates')
          .values({
            project,
            name: template.name,
            version: template.version,
            flavor: template.flavor,
            kubernetes_version: template.kubernetesVersion,
            doc: JSON.stringify(doc),
            config: JSON.stringify(config),
            created_at: nowIso(),
            version_key: templateVersionSortKey(template.version),
          })
          .execute(),
      );
      return template;
    },
    find,
    async get(project, ref) {
      const template = await find(project, ref);
      if (!template) throw notFound('template', formatTemplateRef(ref));
      return template;
    },
    async list(project, filter = {}, page) {
      const limit = pageLimit(page);
      const rows = await readNameVersionPage({
        rows: limit + 1,
        after: decodeCursorAs(page?.cursor, checkTemplateRef),
        versionKey: templateVersionSortKey,
        read: async (range, rows) => {
          let query = db.selectFrom('templates').select(['doc', 'config']).where('project', '=', project);
          if (filter.flavor) query = query.where('flavor', '=', filter.flavor);
          if (filter.kubernetesVersion) query = query.where('kubernetes_version', '=', filter.kubernetesVersion);
          if (filter.name) query = query.where(nameColumn, '=', filter.name);
          if ('name' in range) query = query.where(nameColumn, '=', range.name).where('version_key', '>', range.beyondVersionKey);
          else if (range.afterName !== null) query = query.where(nameColumn, '>', range.afterName);
          return (await query.orderBy(nameColumn).orderBy('version_key').limit(rows).execute()).map(templateOf);
        },
      });
      return toPage(rows, limit, formatTemplateRef);
    },
    async delete(project, ref) {
      const user = await db
        .selectFrom('clusters')
        .select('name')
        .where('project', '=', project)
        .where('template_name', '=', ref.name)
        .where('template_version', '=', ref.version)
        .executeTakeFirst();
      if (user)
        throw new AppError('InUse', `template ${formatTemplateRef(ref)} is in use by cluster ${user.name}`, {
          extra: { usedBy: { cluster: user.name } },
        });
      documents.forget(documentKey(project, ref.name, ref.version));
      const result = await db
        .deleteFrom('templates')
        .where('project', '=', project)
        .where('name', '=', ref.name)
        .where('version', '=', ref.version)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound('template', formatTemplateRef(ref));
    },
  };
}
