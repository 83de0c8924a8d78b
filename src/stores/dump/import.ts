import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely'
import { systemClock, type Clock } from '../../core/dates.js'
import { addToCounter, readCounter, readWriteVersions, startWriteVersions } from '../../db/counters.js'
import { isPostgres } from '../../db/dialect.js'
import { ID_COUNTERS } from '../../db/numbering.js'
import { STORE_DATA_TABLES, type Database } from '../../db/schema.js'
import { StoreAdminError } from '../lookup.js'
import { insertStore } from '../service.js'
import { StoreFileError, StoreFileReader, type Row } from './format.js'
import { References } from './references.js'
import { columnsOf, DUMP_TABLES, type DumpTable } from './tables.js'

// Reads a store file (format.ts) into a store, all or nothing: one transaction makes the store
// when it is missing, empties it when it is replaced, writes every row and checks the file to its
// end line; the first problem rolls all of it back, so the store is left as it was. An import is
// not an app's write: it emits no webhook events (docs/COMPATIBILITY.md "Store files").

export interface ImportTarget {
  hash: string
  /** a store that holds data is emptied first; without it such a store is refused */
  replace?: boolean
}

export interface ImportSummary {
  /** the store did not exist and was made */
  created: boolean
  rows: number
  /** rows written per table */
  tables: Record<string, number>
  /** shared ids (metafields', hooks') another store of this database held: those rows were given new ones */
  renumbered: Record<string, number>
}

// SQLite takes up to 32,766 bound values in a statement, PostgreSQL 65,535.
const VALUES_PER_INSERT = 30_000

// Tables an existing store may hold rows of and still count as empty: what a new store has.
const NEW_STORE_TABLES = new Set<string>(['channels', 'store_counters'])
// What a replace empties: the store's data, and the configuration a file brings (channels, limits).
const REPLACED_TABLES = [...STORE_DATA_TABLES, 'channels', 'rate_limits'] as const satisfies readonly (keyof Database)[]

export async function importStore(db: Kysely<Database>, target: ImportTarget, lines: AsyncIterable<string> | Iterable<string>, clock: Clock = systemClock): Promise<ImportSummary> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('stores').select('id').where('hash', '=', target.hash).executeTakeFirst()
    const storeId = existing?.id ?? (await insertStore(trx, target.hash, target.hash, clock)).id
    const versions = existing ? await readWriteVersions(trx, storeId) : undefined
    if (existing) {
      if (!target.replace && (await holdsData(trx, storeId))) {
        throw new StoreAdminError('conflict', `store "${target.hash}" holds data: replace it (--replace) or import into an empty or new store`)
      }
      for (const table of REPLACED_TABLES) await trx.deleteFrom(table).where('store_id', '=', storeId).execute()
    }
    const writer = new TableWriter(trx, storeId)
    const reader = new StoreFileReader()
    let accountsDropped = false
    for await (const text of lines) {
      const item = reader.read(text)
      // A replace with a file that holds accounts swaps the store's accounts (and their hooks) for the file's.
      if (existing && target.replace && reader.accounts && !accountsDropped) {
        await trx.deleteFrom('api_accounts').where('store_id', '=', storeId).execute()
        accountsDropped = true
      }
      if (item) await writer.add(item.table, item.row, item.line)
    }
    reader.finish()
    await writer.flush()
    await writer.finishCounters()
    // The counters came from the file; the write versions move on past any totals kept before.
    await startWriteVersions(trx, storeId, versions)
    return { created: existing === undefined, rows: writer.rows, tables: writer.tables, renumbered: writer.renumbered }
  })
}

/** Whether a store holds data an import would replace (`clientele clone` asks before it reads a source for hours). */
export async function holdsData(trx: Kysely<Database>, storeId: number): Promise<boolean> {
  const any = trx as unknown as Kysely<any>
  for (const table of DUMP_TABLES) {
    if (table.accounts || NEW_STORE_TABLES.has(table.name)) continue
    if (await any.selectFrom(table.name).select('store_id').where('store_id', '=', storeId).limit(1).executeTakeFirst()) return true
  }
  const channels = await trx.selectFrom('channels').select('id').where('store_id', '=', storeId).where('id', '<>', 1).limit(1).executeTakeFirst()
  return channels !== undefined
}

/** Rows of one table gathered into multi-row inserts, with the checks that need more than one line. */
class TableWriter {
  rows = 0
  readonly tables: Record<string, number> = {}
  readonly renumbered: Record<string, number> = {}
  private table: DumpTable | undefined
  private pending: Row[] = []
  private rowsPerInsert = 0
  private firstLine = 0
  private lastLine = 0
  private readonly references = new References()

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly storeId: number,
  ) {}

  async add(table: DumpTable, row: Row, line: number): Promise<void> {
    if (table !== this.table || this.pending.length >= this.rowsPerInsert) await this.flush()
    if (table !== this.table) {
      if (this.table?.sharedId) await this.moveSequence(this.table)
      this.table = table
      this.rowsPerInsert = Math.floor(VALUES_PER_INSERT / (columnsOf(table).length + 1))
    }
    const problem = this.references.check(table.name, row)
    if (problem) throw new StoreFileError(line, problem)
    if (this.pending.length === 0) this.firstLine = line
    this.lastLine = line
    this.pending.push(row)
    this.rows += 1
    this.tables[table.name] = (this.tables[table.name] ?? 0) + 1
  }

  async flush(): Promise<void> {
    const table = this.table
    if (!table || this.pending.length === 0) return
    // The rows are the reader's own objects, parsed for this insert alone: they take the store id in place.
    const rows: Row[] = this.pending
    for (const row of rows) row.store_id = this.storeId
    this.pending = []
    try {
      if (table.sharedId) await this.insertKeepingFreeIds(table, rows)
      else await this.insert(table, rows)
    } catch (error) {
      if (error instanceof StoreFileError) throw error
      const reason = error instanceof Error ? error.message : String(error)
      throw new StoreFileError(this.firstLine, `${table.name} rows of lines ${this.firstLine}-${this.lastLine} were refused by the database: ${reason}`)
    }
  }

  /** Ids the API's callers know: kept where free; a row whose id another store holds is given a new one. */
  private async insertKeepingFreeIds(table: DumpTable, rows: Row[]): Promise<void> {
    const any = this.trx as unknown as Kysely<any>
    const ids = rows.map((row) => row.id as number)
    const taken = new Set((await any.selectFrom(table.name).select('id').where('id', 'in', ids).execute()).map((row) => Number(row.id)))
    const kept = rows.filter((row) => !taken.has(row.id as number))
    const moved = rows.filter((row) => taken.has(row.id as number)).map(({ id: _id, ...row }) => row)
    await this.insert(table, kept)
    await this.insert(table, moved)
    if (moved.length > 0) this.renumbered[table.name] = (this.renumbered[table.name] ?? 0) + moved.length
  }

  private async insert(table: DumpTable, rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return
    if (isPostgres(this.trx)) await insertByColumns(this.trx, table, rows)
    else await insertByRows(this.trx, table, rows)
  }

  // PostgreSQL's serial hands out ids from its sequence, which explicit ids do not move: it is
  // set past the highest id, and never back, so no id is handed out twice.
  private async moveSequence(table: DumpTable): Promise<void> {
    if (!isPostgres(this.trx)) return
    await sql`select setval(s, greatest(coalesce((select max(id) from ${sql.table(table.name)}), 1), coalesce(pg_sequence_last_value(s), 1)))
      from (select pg_get_serial_sequence(${table.name}, 'id')::regclass as s) q`.execute(this.trx)
  }

  /** After the last row: the id counters cover every id written (a hand-made file may lack them), and the count is the rows'. */
  async finishCounters(): Promise<void> {
    if (this.table?.sharedId) await this.moveSequence(this.table)
    const { storeId, trx } = this
    for (const [table, counter] of Object.entries(ID_COUNTERS)) {
      const highest = this.references.highest(table)
      const current = await readCounter(trx, storeId, counter)
      if (highest > current) await addToCounter(trx, storeId, counter, highest - current)
    }
    const customers = this.tables.customers ?? 0
    await trx.deleteFrom('store_counters').where('store_id', '=', storeId).where('name', '=', 'customers.count').execute()
    if (customers > 0) await trx.insertInto('store_counters').values({ store_id: storeId, name: 'customers.count', value: customers }).execute()
  }
}

/**
 * SQLite: a multi-row insert written as text, a placeholder per value: every full page of a table
 * has the same text, which the connection's statement cache prepares once. Kysely would parse each
 * row object and compile the statement anew per page: a fifth of a restore's time.
 */
async function insertByRows(trx: Transaction<Database>, table: DumpTable, rows: Record<string, unknown>[]): Promise<void> {
  const columns = Object.keys(rows[0]!)
  const tuple = `(${columns.map(() => '?').join(', ')})`
  const text = `insert into "${table.name}" (${columns.map((column) => `"${column}"`).join(', ')}) values ${Array.from({ length: rows.length }, () => tuple).join(', ')}`
  const values: unknown[] = []
  for (const row of rows) for (const column of columns) values.push(row[column] ?? null)
  await trx.executeQuery(CompiledQuery.raw(text, values))
}

/**
 * PostgreSQL: one array parameter per column, `insert ... select * from unnest($1::int8[], ...)`,
 * instead of a parameter per value: the server parses and binds 16 parameters for a page of
 * addresses rather than 30,000 (a snapshot restore of 10,000 customers went from 3.6 to 2.7 s).
 * Every row of a call has the same columns (a table's, less `id` for rows given a new one).
 */
async function insertByColumns(trx: Transaction<Database>, table: DumpTable, rows: Record<string, unknown>[]): Promise<void> {
  const columns = Object.keys(rows[0]!)
  const kinds = new Map(columnsOf(table))
  const arrays = columns.map((column) => {
    const type = column === 'store_id' || kinds.get(column)?.startsWith('integer') ? 'int8' : 'text'
    return sql`${rows.map((row) => row[column] ?? null)}::${sql.raw(type)}[]`
  })
  await sql`insert into ${sql.table(table.name)} (${sql.join(columns.map((column) => sql.ref(column)))}) select * from unnest(${sql.join(arrays)})`.execute(trx)
}
