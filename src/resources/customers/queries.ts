import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely'
import { addToSpreadCounter, readCounter } from '../../db/counters.js'
import { withNextIds } from '../../db/numbering.js'
import type { CustomerTable, Database } from '../../db/schema.js'
import { sortedById } from '../../db/rows.js'
import { applyFilters, filterKey, hasDateFilter, hasFilters } from '../../core/filters.js'
import type { PageAnchors } from '../../core/pagination.js'
import { countSinceLastWrite, keptSinceLastWrite } from '../../db/cached-counts.js'
import { nameLikeMatches, nameLookupServes } from '../../db/name-search.js'
import { CUSTOMER_FILTERS, CUSTOMER_SORTS } from './schemas.js'
import { possibleIds } from '../../db/ids.js'

/** The columns an API customer is built from: never the password hash or the lookup keys. */
const CUSTOMER_COLUMNS = [
  'id', 'email', 'first_name', 'last_name', 'company', 'phone', 'notes', 'tax_exempt_category', 'registration_ip_address',
  'customer_group_id', 'force_password_reset', 'accepts_product_review_abandoned_cart_emails', 'store_credit_amounts',
  'origin_channel_id', 'channel_ids', 'address_count', 'attribute_count', 'date_created', 'date_modified',
] as const satisfies readonly (keyof CustomerTable)[]

export type CustomerRow = Pick<Selectable<CustomerTable>, (typeof CUSTOMER_COLUMNS)[number]>
/** `channel_ids` is always given (null: every channel), so the row's JSON can be made from it. */
export type NewCustomerRow = Omit<Insertable<CustomerTable>, 'store_id' | 'id' | 'api_json'> & Pick<CustomerRow, 'channel_ids'>

/** How a page in id order is found; the default is whatever the planner picks. */
export interface ListPlan {
  /** walk the primary key from this id, checking each row's dates (datePagePlan) */
  walkFrom?: number
}

function matching(db: Kysely<Database>, storeId: number, query: Record<string, unknown>, plan: ListPlan = {}) {
  const found = nameMatches(db, storeId, query)
  if (found) return applyFilters(found, CUSTOMER_FILTERS, query)
  let store = db.selectFrom('customers').where('store_id', '=', storeId)
  if (plan.walkFrom !== undefined) store = store.where('id', '>=', plan.walkFrom)
  return applyFilters(store, CUSTOMER_FILTERS, query, { datesUnindexed: plan.walkFrom !== undefined })
}

/**
 * On SQLite with a trigram lookup (name:like), the customers it finds, the lookup the outer loop
 * (`cross join` fixes SQLite's join order): a list reads the rows the index finds and no more.
 * Left to choose, SQLite (which the server never ANALYZEs) would rather read the whole store from
 * the covering customers_name index, checking each id against the lookup. The lookup gives its
 * rows in the order of their index rowid, which is the customers' id order (store << 32 + id): a
 * page in id order is ordered by it (NAME_LOOKUP_ORDER), so SQLite reads the lookup only as far as
 * the page's last row, however many names match, instead of finding and sorting all of them.
 */
function nameMatches(db: Kysely<Database>, storeId: number, query: Record<string, unknown>) {
  const names = nameLikeMatches(db, storeId, query['name:like'])
  if (!names) return undefined
  return db
    .selectFrom(sql<{ fts_rowid: number; customer_id: number }>`(${names})`.as('name_matches'))
    .crossJoin('customers')
    .where('customers.store_id', '=', storeId)
    .whereRef('customers.id', '=', 'name_matches.customer_id')
}

/** What orders a list in id order when the trigram lookup finds its rows (nameMatches): the lookup's own order. */
const NAME_LOOKUP_ORDER = 'name_matches.fts_rowid'

/** The expression a page in id order is ordered by, when not `id` (pagination's `idOrder`). */
export function idOrderOf(db: Kysely<Database>, query: Record<string, unknown>): string | undefined {
  return nameLookupServes(db, query['name:like']) ? NAME_LOOKUP_ORDER : undefined
}

/** Whether datePagePlan chooses how this list's pages are found: a date filter, and no name:like (whose lookup hands the page its ids). */
export function plannedByDates(query: Record<string, unknown>): boolean {
  return hasDateFilter(CUSTOMER_FILTERS, query) && query['name:like'] === undefined
}

/** The matches of a date-filtered list and the lowest matching id: one read of the covering date index, kept until the next write. */
function dateExtent(db: Kysely<Database>, storeId: number, query: Record<string, unknown>): Promise<{ total: number; firstId: number | null }> {
  return keptSinceLastWrite(db, storeId, 'customers.writes', `extent ${filterKey(CUSTOMER_FILTERS, query)}`, async () => {
    const row = await matching(db, storeId, query)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number | null>('id').as('first_id')])
      .executeTakeFirstOrThrow()
    return { total: Number(row.n), firstId: row.first_id === null ? null : Number(row.first_id) }
  })
}

/**
 * How to find a page in id order under a date filter (plannedByDates), and the list's total.
 * The date index finds every match, which are then sorted by id: a cost that grows with the
 * matches. A walk of the primary key from the lowest matching id, checking each row's dates,
 * stops at the page's last match: about (offset + limit) x (ids from the first match to the last
 * id) / matches rows. Dates mostly grow with ids, so a range of recent customers is the store's
 * last ids, found in as many rows as the page has; a range spread over the whole store is found
 * in (page end) / (its share of the store) rows. The walk is taken when it reads fewer rows than
 * the matches. Both figures it needs are kept: the extent until the next write, the last id in
 * its counter.
 */
export async function datePagePlan(db: Kysely<Database>, storeId: number, query: Record<string, unknown>, pageEnd: number): Promise<{ total: number; plan: ListPlan }> {
  const { total, firstId } = await dateExtent(db, storeId, query)
  if (firstId === null) return { total, plan: {} }
  const span = (await readCounter(db, storeId, 'customers.last_id')) - firstId + 1
  return { total, plan: pageEnd * span <= total * total ? { walkFrom: firstId } : {} }
}

export function filteredCustomers(db: Kysely<Database>, storeId: number, query: Record<string, unknown>, plan: ListPlan = {}) {
  return matching(db, storeId, query, plan).select(CUSTOMER_COLUMNS)
}

/**
 * The filtered list as stored JSON text (representation.ts), with the column it is sorted by when
 * not the id, and the store credit (which the stored text leaves out) when it is included.
 */
export function filteredCustomerJson(
  db: Kysely<Database>,
  storeId: number,
  query: Record<string, unknown>,
  sortColumn: CustomerSortColumn | undefined,
  plan: ListPlan = {},
  storeCredit = false,
) {
  return matching(db, storeId, query, plan)
    .select(['id', 'api_json', 'address_count', 'attribute_count'])
    .$if(sortColumn !== undefined, (qb) => qb.select(sortColumn!))
    .$if(storeCredit, (qb) => qb.select('store_credit_amounts'))
}

export type CustomerSortColumn = (typeof CUSTOMER_SORTS)[keyof typeof CUSTOMER_SORTS]

export function countFiltered(db: Kysely<Database>, storeId: number, query: Record<string, unknown>) {
  return matching(db, storeId, query).select((eb) => eb.fn.countAll<number>().as('n'))
}

/** Where the offset pages of this list (its filters and sort) start, until the next customer write (core/pagination.ts). */
export function pageAnchors(db: Kysely<Database>, storeId: number, query: Record<string, unknown>): Promise<PageAnchors> {
  return keptSinceLastWrite(db, storeId, 'customers.writes', `anchors ${String(query.sort ?? 'id')} ${filterKey(CUSTOMER_FILTERS, query)}`, async () => new Map())
}

/** The list total: the store's counter when nothing narrows the list, else a count kept until the next customer write. */
export async function countCustomers(db: Kysely<Database>, storeId: number, query: Record<string, unknown>): Promise<number> {
  if (!hasFilters(CUSTOMER_FILTERS, query)) return readCounter(db, storeId, 'customers.count')
  return countSinceLastWrite(db, storeId, 'customers.writes', filterKey(CUSTOMER_FILTERS, query), () => matching(db, storeId, query))
}

export async function findCustomers(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<CustomerRow[]> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return []
  return db.selectFrom('customers').select(CUSTOMER_COLUMNS).where('store_id', '=', storeId).where('id', 'in', possible).execute()
}

/** The customers holding any of these lower-cased emails, with what decides their login scope. */
export async function customersWithEmails(db: Kysely<Database>, storeId: number, emailKeys: readonly string[]) {
  if (emailKeys.length === 0) return []
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'email', 'email_key', 'channel_ids'])
    .where('store_id', '=', storeId)
    .where('email_key', 'in', [...emailKeys])
    .execute()
  return sortedById(rows)
}

/** Inserts customers with the store's next ids, in order, each with its `api_json` made by `jsonHead`; returns the ids. */
export async function insertCustomers(
  trx: Transaction<Database>,
  storeId: number,
  rows: NewCustomerRow[],
  jsonHead: (row: Omit<CustomerRow, 'address_count' | 'attribute_count'>) => string,
): Promise<number[]> {
  const numbered = (await withNextIds(trx, storeId, 'customers', rows)).map((row) => ({ ...row, api_json: jsonHead(row) }))
  await trx.insertInto('customers').values(numbered).execute()
  await addToSpreadCounter(trx, storeId, 'customers.count', rows.length)
  await noteWrite(trx, storeId)
  return numbered.map((row) => row.id)
}

/** Applies each row's changes, in order (an id named twice gets both). */
export async function updateCustomers(trx: Transaction<Database>, storeId: number, updates: readonly { id: number; changes: Updateable<CustomerTable> }[]): Promise<void> {
  if (updates.length === 0) return
  for (const { id, changes } of updates) {
    await trx.updateTable('customers').set(changes).where('store_id', '=', storeId).where('id', '=', id).execute()
  }
  await noteWrite(trx, storeId)
}

/** Every write of customers moves the store's customers write version, which filtered totals are kept by (db/cached-counts.ts). */
function noteWrite(trx: Transaction<Database>, storeId: number): Promise<void> {
  return addToSpreadCounter(trx, storeId, 'customers.writes', 1)
}

/** Deletes customers; returns the ids of those that existed, in id order. */
export async function deleteCustomers(trx: Transaction<Database>, storeId: number, ids: readonly number[]): Promise<number[]> {
  const possible = possibleIds(ids)
  if (possible.length === 0) return []
  const rows = await trx.deleteFrom('customers').where('store_id', '=', storeId).where('id', 'in', possible).returning('id').execute()
  const deleted = sortedById(rows).map((row) => row.id)
  if (deleted.length > 0) {
    await addToSpreadCounter(trx, storeId, 'customers.count', -deleted.length)
    await noteWrite(trx, storeId)
  }
  return deleted
}
