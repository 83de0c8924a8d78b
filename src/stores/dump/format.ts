import { WRITE_VERSIONS } from '../../db/counters.js'
import { columnsOf, DUMP_TABLES, type ColumnKind, type DumpTable } from './tables.js'

// The store file (docs/STORE-FILES.md): NDJSON, one JSON value per line. A header line, one line
// per row in DUMP_TABLES order, and an end line with the number of rows, so a file cut short is
// told from a small store. What writes lines and what reads them back are both here.

export const FORMAT = 'clientele-store'
export const VERSION = 1

export interface Header {
  format: typeof FORMAT
  version: typeof VERSION
  /** the file holds the store's API accounts and hooks (export --with-tokens) */
  accounts: boolean
}

export type Row = Record<string, string | number | null>

export const headerLine = (accounts: boolean) => JSON.stringify({ format: FORMAT, version: VERSION, accounts } satisfies Header)

/** A row's line, its columns in the table's file order whatever order the database gave them in. */
export function rowLine(table: DumpTable, row: Readonly<Record<string, unknown>>): string {
  const ordered: Row = {}
  for (const [column] of columnsOf(table)) ordered[column] = row[column] as Row[string]
  return JSON.stringify({ table: table.name, row: ordered })
}

export const endLine = (rows: number) => JSON.stringify({ end: true, rows })

/** What is wrong with a file, and where: the line (1-based) of the first problem. */
export class StoreFileError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`)
  }
}

const BY_NAME = new Map<string, { table: DumpTable; index: number; columns: [string, ColumnKind][] }>(
  DUMP_TABLES.map((table, index) => [table.name, { table, index, columns: columnsOf(table) }]),
)
const NOT_DATA = new Set<string>(WRITE_VERSIONS)
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function checkValue(kind: ColumnKind, value: unknown): boolean {
  if (value === null) return kind.endsWith('?')
  if (kind.startsWith('integer')) return Number.isSafeInteger(value)
  return typeof value === 'string'
}

/**
 * Reads a file line by line and checks each before anything is written: the header first, rows
 * whose table, columns and value types are the ones DUMP_TABLES describes, tables in file order
 * (each once), and the end line last with the count of rows above it.
 */
export class StoreFileReader {
  private line = 0
  private header: Header | undefined
  private tableIndex = -1
  private rows = 0
  private ended = false

  get accounts(): boolean {
    return this.header?.accounts ?? false
  }

  /** The next line's row with its table, or undefined for the header and end lines. */
  read(text: string): { table: DumpTable; row: Row; line: number } | undefined {
    this.line += 1
    if (this.ended) throw this.error(text.trim() === '' ? 'a blank line after the end line' : 'a line after the end line')
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw this.error(text.trim() === '' ? 'a blank line (each line holds one JSON value)' : 'not JSON')
    }
    if (!isObject(value)) throw this.error('not a JSON object')
    if (this.header === undefined) {
      this.header = this.readHeader(value)
      return undefined
    }
    if ('end' in value) {
      if (value.end !== true || value.rows !== this.rows || Object.keys(value).length !== 2) {
        throw this.error(`the end line must be {"end":true,"rows":${this.rows}} (the rows above it)`)
      }
      this.ended = true
      return undefined
    }
    return { ...this.readRow(value), line: this.line }
  }

  /** Called after the last line: a file without its end line was cut short. */
  finish(): void {
    if (this.header === undefined) throw new StoreFileError(1, 'the file is empty')
    if (!this.ended) throw new StoreFileError(this.line + 1, `the file ends without its end line after ${this.rows} rows (was it cut short?)`)
  }

  private readHeader(value: Record<string, unknown>): Header {
    if (value.format !== FORMAT) throw this.error(`not a store file: the first line must be a header with "format":"${FORMAT}"`)
    if (value.version !== VERSION) throw this.error(`version ${JSON.stringify(value.version)} is not one this server reads (it reads ${VERSION})`)
    if (typeof value.accounts !== 'boolean') throw this.error('the header\'s "accounts" must be true or false')
    return { format: FORMAT, version: VERSION, accounts: value.accounts }
  }

  private readRow(value: Record<string, unknown>): { table: DumpTable; row: Row } {
    const known = typeof value.table === 'string' ? BY_NAME.get(value.table) : undefined
    if (!known) throw this.error(`unknown table ${JSON.stringify(value.table)}`)
    const { table, index, columns } = known
    if (table.accounts && !this.accounts) throw this.error(`${table.name} rows in a file whose header says it holds no accounts`)
    if (index < this.tableIndex) throw this.error(`${table.name} rows after ${DUMP_TABLES[this.tableIndex]!.name} rows (tables come in the documented order)`)
    this.tableIndex = index
    const row = value.row
    if (!isObject(row)) throw this.error(`${table.name}: "row" must be an object`)
    for (const key of Object.keys(row)) if (!(key in table.columns)) throw this.error(`${table.name}: unknown column "${key}"`)
    for (const [column, kind] of columns) {
      if (!(column in row)) throw this.error(`${table.name}: column "${column}" is missing`)
      if (!checkValue(kind, row[column])) throw this.error(`${table.name}.${column} must be ${describe(kind)}, not ${JSON.stringify(row[column])}`)
    }
    if (table.name === 'store_counters' && NOT_DATA.has(row.name as string)) throw this.error(`store_counters: "${String(row.name)}" is a write version, not data`)
    this.rows += 1
    return { table, row: row as Row }
  }

  private error(problem: string): StoreFileError {
    return new StoreFileError(this.line, problem)
  }
}

function describe(kind: ColumnKind): string {
  const base = kind.startsWith('integer') ? 'an integer' : 'a string'
  return kind.endsWith('?') ? `${base} or null` : base
}
