import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely'
import { Type, type Static } from 'typebox'
import { invalidQueryValue } from './errors.js'

// One implementation of paging for every list in the API: offset pages (`page`, `limit`,
// `meta.pagination`) and, where the latest spec offers them, cursors (`after`, `before`,
// `meta.cursor_pagination`). Links are relative query strings that repeat the request's other
// parameters (DECISIONS 5).

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 250

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, description: 'Page number, from 1.' })),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_LIMIT, description: `Items per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}).` }),
  ),
}

export const CursorQuery = {
  after: Type.Optional(Type.String({ description: 'The end_cursor of a page: the page after it. Ignores `page`.' })),
  before: Type.Optional(Type.String({ description: 'The start_cursor of a page: the page before it. Ignores `page`.' })),
}

const Links = Type.Object({
  previous: Type.Optional(Type.String()),
  current: Type.Optional(Type.String()),
  next: Type.Optional(Type.String()),
})

export const Pagination = Type.Object({
  total: Type.Integer(),
  count: Type.Integer(),
  per_page: Type.Integer(),
  current_page: Type.Integer(),
  total_pages: Type.Integer(),
  links: Links,
})

export const CursorPagination = Type.Object({
  count: Type.Integer(),
  per_page: Type.Integer(),
  start_cursor: Type.Optional(Type.String()),
  end_cursor: Type.Optional(Type.String()),
  // optional only so the serialiser keeps it after the cursors (it writes required keys first)
  links: Type.Optional(Links),
})

export const CollectionMeta = Type.Object({
  pagination: Type.Optional(Pagination),
  cursor_pagination: Type.Optional(CursorPagination),
})
export type CollectionMeta = Static<typeof CollectionMeta>

/** How a list is ordered: a column (ties broken by id, in the same direction) or id alone. */
export interface Order {
  /** the column to order by; a constant, never user input */
  column: string
  /** the row property holding that column's value (for cursors) */
  field: string
  direction: 'asc' | 'desc'
}

export interface PageRequest {
  limit: number
  page: number
  cursor?: { direction: 'after' | 'before'; position: Record<string, unknown> }
  /** the request's other query parameters, encoded, in their order, ready to prefix a link */
  carried: string
}

interface PagingQuery {
  page?: number
  limit?: number
  after?: string
  before?: string
}

const PAGING_KEYS = new Set(['page', 'limit', 'after', 'before'])

/** Reads paging parameters; `url` is the raw request URL (its other parameters go into links). */
export function readPageRequest(query: PagingQuery, url: string): PageRequest {
  const limit = query.limit ?? DEFAULT_LIMIT
  const request: PageRequest = { limit, page: query.page ?? 1, carried: carriedParams(url) }
  if (query.after !== undefined && query.before !== undefined) {
    throw invalidQueryValue('before', 'cannot be combined with "after".')
  }
  const direction = query.after !== undefined ? 'after' : query.before !== undefined ? 'before' : undefined
  if (direction) request.cursor = { direction, position: decodeCursor(direction, query[direction] as string) }
  return request
}

function carriedParams(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return ''
  let carried = ''
  for (const pair of url.slice(q + 1).split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq))
    if (key === '' || PAGING_KEYS.has(key.replace(/\[\]$/, ''))) continue
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1))
    carried += `${encodeURIComponent(key)}=${encodeURIComponent(value)}&`
  }
  return carried
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

// Cursors are unpadded base64 of a small JSON object, as BigCommerce's (`eyJpZCI6MjA0fQ` is
// `{"id":204}`); sorted lists add the sort column's value so the next page starts exactly after.
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

/** A value an integer id column can hold (a larger one fails the query on PostgreSQL). */
function isId(value: unknown): boolean {
  return Number.isInteger(value) && Math.abs(value as number) < 2 ** 31
}

function decodeCursor(name: string, cursor: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      typeof value === 'object' && value !== null && !Array.isArray(value) &&
      isId((value as { id?: unknown }).id) &&
      Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return value as Record<string, unknown>
    }
  } catch {
    // fall through to the 422
  }
  throw invalidQueryValue(name, `is not a cursor this API issued. For input string: "${cursor}".`)
}

export interface PageOptions<Row> {
  /** the filtered select, without order, limit or offset */
  query: SelectQueryBuilder<any, any, Row>
  /** the id column of the listed table */
  idColumn: string
  /**
   * what orders the list by id, when not `idColumn` itself: an expression in the same order that
   * the database can read its rows in (a lookup's own order), so a page stops at its last row
   */
  idOrder?: string
  /** undefined: by id ascending */
  order?: Order
  request: PageRequest
  /** the size of the filtered list; called only for offset pages */
  total: () => Promise<number>
  /** offer cursor paging (lists that have it in the latest spec) */
  cursors: boolean
  /**
   * where this list's offset pages start while it is unchanged (PageAnchors): a list that gives
   * them reads a page past the first as a keyset seek once its start is known
   */
  anchors?: () => Promise<PageAnchors>
}

// Offset pages read every row they skip: page 1,000 of 50 walks 49,950 index entries. A page's
// start is known once a page next to it has been read, and stays right until the list changes: so
// a list that gives PageAnchors, a Map the caller keeps per write version of what the list holds
// (db/cached-counts.ts keptSinceLastWrite, as its total), has each offset page record where it
// and the page after it start, and reads a page whose start is recorded as the rows after that
// position, like a cursor. A client walking the pages in turn, or asking again for a deep page,
// then reads only the rows it is served; the first read of a page no neighbour has been read of
// still skips. Any write of the list moves its version, and the next request gets a new, empty Map.

/** For an offset, the position (as a cursor holds it) of the row just before it. */
export type PageAnchors = Map<number, Record<string, unknown>>

/** starts recorded per list and version (a walk needs the latest, a repeated page its own); the oldest recorded goes first */
const MAX_ANCHORS = 16

function recordAnchor(anchors: PageAnchors, offset: number, row: Record<string, unknown>, order: Order): void {
  const position = positionOf(row, order)
  // a null sort value has no place in a keyset comparison (nor in a cursor)
  if (!Object.values(position).every((v) => typeof v === 'string' || typeof v === 'number')) return
  anchors.delete(offset)
  anchors.set(offset, position)
  if (anchors.size > MAX_ANCHORS) anchors.delete(anchors.keys().next().value!)
}

export interface Page<Row> {
  rows: Row[]
  meta: CollectionMeta
}

export async function fetchPage<Row extends { id: number }>(options: PageOptions<Row>): Promise<Page<Row>> {
  const order = options.order ?? { column: options.idColumn, field: 'id', direction: 'asc' }
  return options.request.cursor ? cursorPage(options, order) : offsetPage(options, order)
}

function ordered<Row>(qb: SelectQueryBuilder<any, any, Row>, order: Order, options: Pick<PageOptions<Row>, 'idColumn' | 'idOrder'>, reverse: boolean) {
  const forward = order.direction === 'asc' ? !reverse : reverse
  const direction = forward ? sql`asc` : sql`desc`
  const byId = sql`${sql.ref(options.idOrder ?? options.idColumn)} ${direction}`
  if (order.column === options.idColumn) return qb.orderBy(byId)
  return qb.orderBy(sql`${sql.ref(order.column)} ${direction}`).orderBy(byId)
}

function positionOf(row: Record<string, unknown>, order: Order): Record<string, unknown> {
  return order.field === 'id' ? { id: row.id } : { id: row.id, [order.field]: row[order.field] }
}

/** The `limit` rows from `offset` on: sought from a recorded start when there is one, recording the starts it learns. */
async function offsetRows<Row extends { id: number }>(options: PageOptions<Row>, order: Order, offset: number, limit: number): Promise<Row[]> {
  const anchors = offset > 0 && options.anchors ? await options.anchors() : undefined
  if (!anchors) return ordered(options.query, order, options, false).limit(limit).offset(offset).execute()
  const anchor = anchors.get(offset)
  let rows: Row[]
  if (anchor) {
    rows = await ordered(options.query.where(keyset(order, options.idColumn, anchor, false)), order, options, false).limit(limit).execute()
  } else {
    // one row more, the one before the page: where this page starts
    const fetched = await ordered(options.query, order, options, false).limit(limit + 1).offset(offset - 1).execute()
    if (fetched.length > 0) recordAnchor(anchors, offset, fetched[0]! as Record<string, unknown>, order)
    rows = fetched.slice(1)
  }
  if (rows.length === limit) recordAnchor(anchors, offset + limit, rows[limit - 1]! as Record<string, unknown>, order)
  return rows
}

async function offsetPage<Row extends { id: number }>(options: PageOptions<Row>, order: Order): Promise<Page<Row>> {
  const { limit, page, carried } = options.request
  const [total, rows] = await Promise.all([options.total(), offsetRows(options, order, (page - 1) * limit, limit)])
  const totalPages = Math.max(1, Math.ceil(total / limit))
  const link = (n: number) => `?${carried}page=${n}&limit=${limit}`
  const links: Static<typeof Links> = {}
  if (page > 1) links.previous = link(page - 1)
  links.current = link(page)
  if (page < totalPages) links.next = link(page + 1)
  const meta: CollectionMeta = {
    pagination: { total, count: rows.length, per_page: limit, current_page: page, total_pages: totalPages, links },
  }
  if (options.cursors && page === 1) {
    meta.cursor_pagination = cursorMeta(rows, order, limit, carried, { previous: false, next: total > rows.length })
  }
  return { rows, meta }
}

async function cursorPage<Row extends { id: number }>(options: PageOptions<Row>, order: Order): Promise<Page<Row>> {
  const { limit, carried } = options.request
  const cursor = options.request.cursor!
  const backwards = cursor.direction === 'before'
  if (order.field !== 'id' && cursor.position[order.field] === undefined) {
    // a cursor from a list in another order
    throw invalidQueryValue(cursor.direction, `does not belong to a list sorted this way.`)
  }
  const qb = options.query.where(keyset(order, options.idColumn, cursor.position, backwards))
  const fetched = await ordered(qb, order, options, backwards).limit(limit + 1).execute()
  const more = fetched.length > limit
  const rows = fetched.slice(0, limit)
  if (backwards) rows.reverse()
  const meta: CollectionMeta = {
    cursor_pagination: cursorMeta(rows, order, limit, carried, backwards ? { previous: more, next: true } : { previous: true, next: more }),
  }
  return { rows, meta }
}

/** Rows strictly after (or before) a position in the list's order. */
function keyset(order: Order, idColumn: string, position: Record<string, unknown>, backwards: boolean) {
  const greater = (order.direction === 'asc') !== backwards
  const op = greater ? sql`>` : sql`<`
  const id = sql`${sql.ref(idColumn)} ${op} ${position.id}`
  if (order.field === 'id') return sql<SqlBool>`${id}`
  const value = position[order.field]
  const column = sql.ref(order.column)
  return sql<SqlBool>`(${column} ${op} ${value} or (${column} = ${value} and ${id}))`
}

function cursorMeta(
  rows: Record<string, unknown>[],
  order: Order,
  limit: number,
  carried: string,
  has: { previous: boolean; next: boolean },
): Static<typeof CursorPagination> {
  const links: Static<typeof Links> = {}
  const meta: Static<typeof CursorPagination> = { count: rows.length, per_page: limit, links }
  const first = rows[0]
  const last = rows[rows.length - 1]
  if (!first || !last) return meta
  meta.start_cursor = encodeCursor(positionOf(first, order))
  meta.end_cursor = encodeCursor(positionOf(last, order))
  if (has.previous) links.previous = `?${carried}limit=${limit}&before=${meta.start_cursor}`
  if (has.next) links.next = `?${carried}limit=${limit}&after=${meta.end_cursor}`
  return meta
}
