import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely'
import { WRITE_VERSIONS } from '../../db/counters.js'
import { isPostgres } from '../../db/dialect.js'
import type { Database } from '../../db/schema.js'
import { endLine, headerLine, rowLine } from './format.js'
import { columnsOf, DUMP_TABLES, type DumpTable } from './tables.js'

// Writes a store's data as a store file (format.ts), streamed: a page of rows at a time, so a
// store of a million customers costs the memory of one page. Everything is read in one
// transaction, so the file is the store at one moment even while the API writes to it.

// Rows per query, and per call of the sink: small, because the process's memory follows the page
// (each customer row carries ~1 KB of stored JSON, and V8 and the driver keep several pages' worth
// around): exporting 1,000,000 customers peaked at 185 MB RSS with pages of 200 rows and 130 MB
// with 100, for 5% more time (28.5 -> 30.0 s); 100,000 at 308 MB with pages of 2,000.
const PAGE = 100

export interface ExportOptions {
  /** also the store's API accounts (with their token hashes and secrets) and their hooks */
  withTokens?: boolean
}

export interface ExportSummary {
  rows: number
  /** rows written per table */
  tables: Record<string, number>
}

/** The sink takes text of whole lines, each ending in "\n"; a promise it returns is awaited (backpressure). */
export type Sink = (text: string) => void | Promise<void>

export async function exportStore(db: Kysely<Database>, storeId: number, sink: Sink, options: ExportOptions = {}): Promise<ExportSummary> {
  const accounts = options.withTokens === true
  // PostgreSQL reads each statement at its own moment unless asked to hold one; SQLite's read
  // transaction holds one already.
  const transaction = isPostgres(db) ? db.transaction().setIsolationLevel('repeatable read') : db.transaction()
  return transaction.execute(async (trx) => {
    await sink(`${headerLine(accounts)}\n`)
    let rows = 0
    const tables: Record<string, number> = {}
    for (const table of DUMP_TABLES) {
      if (table.accounts && !accounts) continue
      for await (const page of pagesOf(trx, table, storeId)) {
        rows += page.length
        tables[table.name] = (tables[table.name] ?? 0) + page.length
        await sink(page.map((row) => `${rowLine(table, row)}\n`).join(''))
      }
    }
    await sink(`${endLine(rows)}\n`)
    return { rows, tables }
  })
}

/** A counter's line holds the sum of its slots (db/counters.ts); the write versions are not data. */
function counters(any: Kysely<any>) {
  return any
    .selectFrom('store_counters')
    .select((eb) => ['name', eb.fn.sum('value').as('value')])
    .where('name', 'not in', [...WRITE_VERSIONS])
    .groupBy('name')
}

async function* pagesOf(trx: Transaction<Database>, table: DumpTable, storeId: number): AsyncGenerator<Record<string, unknown>[]> {
  // Untyped from here: one loop serves every table, and DUMP_TABLES' own types name the columns.
  const any = trx as unknown as Kysely<any>
  const columns = columnsOf(table).map(([column]) => column)
  let query: SelectQueryBuilder<any, any, any> = table.name === 'store_counters' ? counters(any) : any.selectFrom(table.name).select(columns)
  query = query.where('store_id', '=', storeId)
  for (const column of table.sortedBy) query = query.orderBy(column)
  if (!table.pagedBy) {
    yield await query.execute()
    return
  }
  const key = table.pagedBy
  const selectKey = !columns.includes(key)
  let after: number | undefined
  for (;;) {
    let page = (selectKey ? query.select(`${key} as __key`) : query).limit(PAGE)
    if (after !== undefined) page = page.where(key, '>', after)
    const rows = (await page.execute()) as Record<string, unknown>[]
    if (rows.length === 0) return
    after = Number(rows[rows.length - 1]![selectKey ? '__key' : key])
    yield rows
    if (rows.length < PAGE) return
  }
}
