import { sql, type Kysely, type RawBuilder } from 'kysely'
import { isPostgres } from './dialect.js'

// `name:like` is a substring match on customers' `name_key`, which no B-tree can seek. PostgreSQL
// answers `name_key like '%...%'` from its trigram index by itself. SQLite has the trigram FTS5
// table `customers_name_fts` (migration 2026_12_07_0015, kept by triggers), which it only reads
// when asked: the customers list (src/resources/customers/queries.ts) restricts its rows to the
// ids this lookup gives,
//
//   select rowid, rowid - (store << 32) from customers_name_fts
//   where rowid between (store << 32) and (store << 32) + 4294967295 and customers_name_fts match '"text"'
//
// beside the filter's own `name_key like ... escape '\'`, which still decides every match: the
// lookup narrows, it decides nothing. The filter's text is literal (its `%`, `_` and `\` are
// escaped), and so is a quoted FTS5 phrase (only `"` is doubled): with the trigram tokenizer the
// phrase is the text's trigrams at consecutive places, so it finds exactly the names holding the
// text, lower-cased as the filter lower-cases both. MATCH rather than FTS5's own LIKE: the same
// rows, read from the index alone, where LIKE also reads each candidate's text to check it (2-3 x
// the time for a common surname). A text of fewer than 3 characters (code points, as FTS5 counts)
// has no trigram to look up (FTS5 would find nothing): then there is no lookup, and the list
// reads the store's rows as before. docs/QUERY-PLANS.md shows the plans.

/** A text the index can look up: three characters or more. */
const hasTrigram = (text: string) => [...text].length >= 3

/** An FTS5 phrase that holds `text` as written: quoted, its quotes doubled. */
const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`

/** Whether the trigram lookup serves `name:like` with these texts: on SQLite, each of 3 characters or more. */
export function nameLookupServes(db: Kysely<any>, texts: unknown): texts is unknown[] {
  return !isPostgres(db) && Array.isArray(texts) && texts.length > 0 && texts.every((text) => hasTrigram(String(text).toLowerCase()))
}

/**
 * The ids (`customer_id`) of the store's customers the trigram index finds for any of the texts,
 * once each, in the order of `fts_rowid` (the index's rowid: store << 32 + id, so id order too);
 * undefined when it cannot help (PostgreSQL, or a text too short).
 */
export function nameLikeMatches(db: Kysely<any>, storeId: number, texts: unknown): RawBuilder<{ fts_rowid: number; customer_id: number }> | undefined {
  if (!nameLookupServes(db, texts)) return undefined
  const patterns = texts.map((text) => String(text).toLowerCase())
  // Any of the texts: one query, the phrases joined by OR.
  const match = patterns.map(phrase).join(' OR ')
  // `<< 32` makes an integer of the bound store id (better-sqlite3 binds a number as a real).
  return sql<{ fts_rowid: number; customer_id: number }>`select rowid as fts_rowid, rowid - (${storeId} << 32) as customer_id from customers_name_fts where rowid between (${storeId} << 32) and (${storeId} << 32) + 4294967295 and customers_name_fts match ${match}`
}
