import { sql, type Kysely, type RawBuilder } from 'kysely'
import { isPostgres } from './dialect.js'

// `name:like` is a substring match on customers' `name_key`, which no B-tree can seek. PostgreSQL
// answers `name_key like '%...%'` from its trigram index by itself. SQLite has the trigram FTS5
// table `customers_name_fts` (migration 2026_12_07_0015, kept by triggers), which it only reads
// when asked: the customers list (src/resources/customers/queries.ts) restricts its rows to the
// ids this lookup gives,
//
//   select rowid - (store << 32) from customers_name_fts
//   where rowid between (store << 32) and (store << 32) + 4294967295 and name_key like '%text%'
//
// beside the filter's own `name_key like ... escape '\'`, which still decides every match: the
// lookup narrows, it decides nothing. FTS5 cannot use its index for a LIKE with an ESCAPE clause,
// so the lookup's pattern is the text as it comes, its `%` and `_` wildcards rather than escaped:
// every name holding the text literally matches it too, with the same lower-casing (the filter's,
// `toLowerCase`), so it leaves every match in. A text without 3 characters in a row that are not
// wildcards gives no trigram to look up (FTS5 would read its whole table): then there is no
// lookup, and the list reads the store's rows as before. docs/QUERY-PLANS.md shows the plans.

/** Three characters in a row (code points, as FTS5 counts), none a LIKE wildcard. */
const TRIGRAM = /[^%_]{3}/u

/**
 * The ids (`customer_id`) of the store's customers the trigram index finds for any of the texts,
 * in order and once each; undefined when it cannot help (PostgreSQL, or a text too short).
 */
export function nameLikeMatches(db: Kysely<any>, storeId: number, texts: unknown): RawBuilder<{ customer_id: number }> | undefined {
  if (isPostgres(db) || !Array.isArray(texts) || texts.length === 0) return undefined
  const patterns = texts.map((text) => String(text).toLowerCase())
  if (!patterns.every((pattern) => TRIGRAM.test(pattern))) return undefined
  // `<< 32` makes an integer of the bound store id (better-sqlite3 binds a number as a real).
  const lookups = patterns.map(
    (pattern) =>
      sql`select rowid - (${storeId} << 32) as customer_id from customers_name_fts where rowid between (${storeId} << 32) and (${storeId} << 32) + 4294967295 and name_key like ${`%${pattern}%`}`,
  )
  return sql<{ customer_id: number }>`${sql.join(lookups, sql` union `)}`
}
