import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

// `name:like` on SQLite: an FTS5 table of every customer's `name_key` with the trigram tokenizer,
// which answers `name_key like '%text%'` from the index when the text holds 3 characters in a row
// that are not wildcards (src/db/name-search.ts). PostgreSQL has its trigram index since the
// foundation and gets nothing here.
//
// Its rowid is the customer's key, (store_id << 32) + id (ids stay below 2^31), not the customers
// table's own rowid: a table without an INTEGER PRIMARY KEY may have its rowids renumbered by a
// VACUUM. With this key, one store's rows are one range of rowids. The table keeps its own copy of the text
// (no `content=` option): FTS5 hands `LIKE` back to SQLite to check on each row it finds, which a
// contentless table (no text) fails, and an external content table would read the customers
// table by that unstable rowid. `columnsize=0`: no ranking, so no per-row sizes to keep.
//
// Triggers keep it in step with every writer (the API, seeding, store-file import, snapshot
// restore, reset, a store's deletion by cascade), none of which knows it is there. It is derived
// data: store files and snapshots leave it out, and an import fills it again through the
// triggers. A migration that rebuilds the customers table must make the triggers again.
// Frozen: later changes get a new file.

const KEY = (row: 'new' | 'old') => sql.raw(`(${row}.store_id << 32) + ${row}.id`)

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return
  await sql`create virtual table customers_name_fts using fts5(name_key, tokenize = 'trigram', columnsize = 0)`.execute(db)
  await sql`insert into customers_name_fts (rowid, name_key) select (store_id << 32) + id, name_key from customers`.execute(db)
  await sql`create trigger customers_name_fts_insert after insert on customers begin
    insert into customers_name_fts (rowid, name_key) values (${KEY('new')}, new.name_key);
  end`.execute(db)
  await sql`create trigger customers_name_fts_update after update of store_id, id, name_key on customers
    when new.name_key is not old.name_key or new.store_id is not old.store_id or new.id is not old.id begin
    delete from customers_name_fts where rowid = ${KEY('old')};
    insert into customers_name_fts (rowid, name_key) values (${KEY('new')}, new.name_key);
  end`.execute(db)
  await sql`create trigger customers_name_fts_delete after delete on customers begin
    delete from customers_name_fts where rowid = ${KEY('old')};
  end`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return
  for (const trigger of ['customers_name_fts_insert', 'customers_name_fts_update', 'customers_name_fts_delete']) {
    await sql`drop trigger ${sql.id(trigger)}`.execute(db)
  }
  await sql`drop table customers_name_fts`.execute(db)
}
