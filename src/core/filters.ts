import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely'
import { Type, type TSchema } from 'typebox'
import { likeContains } from '../db/dialect.js'
import { parseDateFilter } from './dates.js'
import { DATE_FILTER_FORMAT } from './query-parser.js'

// List filters are data: each resource declares its fields once, and from that one declaration
// come the querystring schema (validation, the 422 for unknown filters, the OpenAPI document) and
// the SQL conditions. Operators are spelled as BigCommerce spells them: `field` (exact),
// `field:in` (comma list), `field:min` / `field:max`, `field:like` (comma list of substrings).

export type FilterOp = 'eq' | 'in' | 'min' | 'max' | 'like'

export interface FilterField {
  /** the column it reads; a constant, never user input */
  column: string
  type: 'integer' | 'string' | 'date'
  ops: readonly FilterOp[]
  /** compare lower-cased (the column holds lower-cased text) */
  lowerCase?: boolean
  /** what it filters on, for the OpenAPI document */
  about: string
}

export type FilterFields = Readonly<Record<string, FilterField>>

const SUFFIX: Record<FilterOp, string> = { eq: '', in: ':in', min: ':min', max: ':max', like: ':like' }

function valueSchema(field: FilterField): TSchema {
  if (field.type === 'integer') return Type.Integer()
  if (field.type === 'date') {
    return Type.String({ format: DATE_FILTER_FORMAT, description: 'ISO 8601 date or date-time, or a Unix timestamp' })
  }
  return Type.String()
}

/** The querystring properties a declaration accepts, for the route schema. */
export function filterProperties(fields: FilterFields): Record<string, TSchema> {
  const properties: Record<string, TSchema> = {}
  for (const [name, field] of Object.entries(fields)) {
    for (const op of field.ops) {
      const list = op === 'in' || op === 'like'
      const description = `${field.about}${op === 'eq' ? '' : ` (${op === 'in' ? 'any of a comma-separated list' : op === 'like' ? 'contains any of a comma-separated list' : op === 'min' ? 'at least' : 'at most'})`}`
      const schema = list ? Type.Array(valueSchema(field), { description }) : { ...valueSchema(field), description }
      properties[`${name}${SUFFIX[op]}`] = Type.Optional(schema)
    }
  }
  return properties
}

type Query = Record<string, unknown>

function present(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined
}

/** True when the request narrows the list (so its total needs counting). */
export function hasFilters(fields: FilterFields, query: Query): boolean {
  return Object.entries(fields).some(([name, field]) => field.ops.some((op) => present(query[`${name}${SUFFIX[op]}`])))
}

/** The request's filters as text, the same for the same filters whatever the order of the query: a cache key. */
export function filterKey(fields: FilterFields, query: Query): string {
  const parts: unknown[] = []
  for (const [name, field] of Object.entries(fields)) {
    for (const op of field.ops) {
      const key = `${name}${SUFFIX[op]}`
      if (present(query[key])) parts.push(key, query[key])
    }
  }
  return JSON.stringify(parts)
}

export interface FilterOptions {
  /**
   * Date bounds written so that no index serves them (`(column || '') >= ...`, the same text
   * comparison on both dialects), for a caller that knows a walk of another index finds its page
   * sooner than the date index and a sort of every match.
   */
  datesUnindexed?: boolean
}

/** Whether the request filters by any date field. */
export function hasDateFilter(fields: FilterFields, query: Query): boolean {
  return Object.entries(fields).some(([name, field]) => field.type === 'date' && field.ops.some((op) => present(query[`${name}${SUFFIX[op]}`])))
}

/** Adds the request's filters to a select; an empty `:in` list filters nothing, as BigCommerce does. */
export function applyFilters<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  fields: FilterFields,
  query: Query,
  options: FilterOptions = {},
): SelectQueryBuilder<DB, TB, O> {
  for (const [name, field] of Object.entries(fields)) {
    for (const op of field.ops) {
      const value = query[`${name}${SUFFIX[op]}`]
      if (!present(value)) continue
      qb = qb.where(condition(field, op, value, options))
    }
  }
  return qb
}

function condition(field: FilterField, op: FilterOp, value: unknown, options: FilterOptions) {
  const column = field.type === 'date' && options.datesUnindexed ? sql`(${sql.ref(field.column)} || '')` : sql.ref(field.column)
  const norm = (v: unknown) => (field.lowerCase && typeof v === 'string' ? v.toLowerCase() : v)
  if (op === 'in') return sql<SqlBool>`${column} in (${sql.join((value as unknown[]).map(norm))})`
  if (op === 'like') {
    const likes = (value as string[]).map((v) => sql<SqlBool>`${column} like ${likeContains(String(norm(v)))} escape '\\'`)
    return sql<SqlBool>`(${sql.join(likes, sql` or `)})`
  }
  if (field.type === 'date') {
    const bound = parseDateFilter(value as string)
    if (!bound) throw new Error(`unchecked date filter value ${String(value)}`)
    if (op === 'min') return sql<SqlBool>`${column} >= ${bound.from}`
    if (op === 'max') return sql<SqlBool>`${column} <= ${bound.to}`
    return sql<SqlBool>`${column} between ${bound.from} and ${bound.to}`
  }
  const operator = op === 'min' ? sql`>=` : op === 'max' ? sql`<=` : sql`=`
  return sql<SqlBool>`${column} ${operator} ${norm(value)}`
}
