import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheStatements } from './sqlite-statement-cache.ts';

describe('cacheStatements', () => {
  let raw: Database.Database;
  afterEach(() => raw?.open && raw.close());

  it('prepares a statement once per SQL text, and again only after the least recently used one is dropped', () => {
    raw = new Database(':memory:');
    const db = cacheStatements(raw, 2);
    const a = db.prepare('select 1');
    expect(db.prepare('select 1')).toBe(a);
    const b = db.prepare('select 2');
    db.prepare('select 1'); // now 'select 2' is the least recently used
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
  });

  it('hands a statement that is still iterating rows a fresh copy, so a stream and a query of the same text both finish', () => {
    raw = new Database(':memory:');
    const db = cacheStatements(raw);
    const streaming = db.prepare('select value from json_each(?)');
    const rows = streaming.iterate(['[1,2]']);
    rows.next();
    const meanwhile = db.prepare('select value from json_each(?)');
    expect(meanwhile).not.toBe(streaming);
    expect(meanwhile.all(['[3]'])).toEqual([{ value: 3 }]);
    expect([...rows]).toEqual([{ value: 2 }]);
  });

  it('serves Kysely queries inside and outside a rolled-back transaction with the right rows and counts', async () => {
    raw = new Database(':memory:');
    const db = new Kysely<{ t: { n: number } }>({ dialect: new SqliteDialect({ database: cacheStatements(raw) }) });
    await sql`create table t (n integer)`.execute(db);
    const insert = (k: Kysely<{ t: { n: number } }>, n: number) => k.insertInto('t').values({ n }).executeTakeFirst();
    expect((await insert(db, 1)).numInsertedOrUpdatedRows).toBe(1n);
    await expect(
      db.transaction().execute(async (trx) => {
        await insert(trx, 2);
        expect(await trx.selectFrom('t').select('n').orderBy('n').execute()).toEqual([{ n: 1 }, { n: 2 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await db.transaction().execute((trx) => insert(trx, 3));
    expect(await db.selectFrom('t').select('n').orderBy('n').execute()).toEqual([{ n: 1 }, { n: 3 }]);
    await db.destroy();
    expect(raw.open).toBe(false);
  });
});
