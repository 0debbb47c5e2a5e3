import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createPreparedQueries } from './prepared-queries.ts';

interface Tables {
  t: { project: string; n: number; label: string };
}

async function tableOfRows(): Promise<Kysely<Tables>> {
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await sql`create table t (project text, n integer, label text)`.execute(db);
  await db
    .insertInto('t')
    .values([1, 2, 3, 4].map((n) => ({ project: n % 2 ? 'odd' : 'even', n, label: `l${n}` })))
    .execute();
  return db;
}

describe('createPreparedQueries', () => {
  it('builds a shape once and runs it with each call’s values, keeping the constants the build put in', async () => {
    const db = await tableOfRows();
    const prepared = createPreparedQueries(db);
    let builds = 0;
    const page = (values: { project: string; rows: number }) =>
      prepared(
        'page',
        (v: typeof values) => {
          builds++;
          return db.selectFrom('t').select('n').where('project', '=', v.project).where('label', '!=', 'l3').orderBy('n').limit(v.rows);
        },
        values,
      );
    expect(await page({ project: 'odd', rows: 5 })).toEqual([{ n: 1 }]);
    expect(await page({ project: 'even', rows: 1 })).toEqual([{ n: 2 }]);
    expect(await page({ project: 'even', rows: 5 })).toEqual([{ n: 2 }, { n: 4 }]);
    expect(builds).toBe(1);
    await db.destroy();
  });

  it('keeps one compiled query per shape', async () => {
    const db = await tableOfRows();
    const prepared = createPreparedQueries(db);
    const find = (values: { n?: number; label?: string }) =>
      prepared(
        `find:${Object.keys(values).join(',')}`,
        (v: typeof values) => {
          let query = db.selectFrom('t').select('n');
          if (values.n !== undefined) query = query.where('n', '=', v.n!);
          if (values.label !== undefined) query = query.where('label', '=', v.label!);
          return query.orderBy('n');
        },
        values,
      );
    expect(await find({ n: 2 })).toEqual([{ n: 2 }]);
    expect(await find({ label: 'l3' })).toEqual([{ n: 3 }]);
    expect(await find({ n: 4, label: 'l3' })).toEqual([]);
    expect(await find({ n: 3 })).toEqual([{ n: 3 }]);
    await db.destroy();
  });
});
