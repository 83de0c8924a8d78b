import type { Kysely, SelectQueryBuilder, Transaction, Updateable } from 'kysely'
import { formatTimestamp } from '../../core/dates.js'
import { RuleError } from '../../core/errors.js'
import { fetchPage, readPageRequest, type CollectionMeta, type Page } from '../../core/pagination.js'
import { hashPassword, passwordProblem } from '../../core/passwords.js'
import { channelIds as channelIdsColumn, flag, json } from '../../db/codecs.js'
import { recordEvents, type DomainEvent } from '../../db/outbox.js'
import type { CustomerTable, Database } from '../../db/schema.js'
import { CUSTOMER_METAFIELDS, deleteMetafieldsOf } from '../metafields/index.js'
import { channelIdsOnCreate, checkChannels } from './channel-checks.js'
import { checkEmailScopes, emailKey } from './email-scope.js'
import { nameKey } from '../addresses/index.js'
import { loadIncludes } from './includes.js'
import { customerJson, customerJsonHead, customerListJson, toCustomer, type CustomerJsonRow } from './representation.js'
import { nestedPasswordHashes, refuseNestedOnUpdate, writeNestedOnCreate, writeNestedOnUpdate } from './nested.js'
import type { PasswordHashes } from '../form-field-values/index.js'
import { sortedById } from '../../db/rows.js'
import * as q from './queries.js'
import {
  CUSTOMER_SORTS,
  type Customer,
  type CustomerCreate,
  type CustomerUpdate,
  type ListCustomersQuery,
} from './schemas.js'

// The customers rules: batches are all-or-nothing (every item is checked before anything is
// written, and the write is one transaction), emails are unique per channel scope compared
// case-insensitively (email-scope.ts), channels must exist (channel-checks.ts), passwords are
// stored as scrypt hashes only.

const DEFAULT_STORE_CREDIT = [{ amount: 0 }]
const storeCredit = json<{ amount: number }[]>()

/**
 * `store/customer/created` and `/updated` carry the customer's channels (WEBHOOKS.md (c), the
 * callback schemas); `channel_ids` is null for a customer of every channel.
 */
function customerEvent(scope: 'store/customer/created' | 'store/customer/updated', row: Pick<q.CustomerRow, 'id' | 'origin_channel_id' | 'channel_ids'>): DomainEvent {
  return { scope, data: { type: 'customer', id: row.id, origin_channel_id: row.origin_channel_id, channel_ids: channelIdsColumn.decode(row.channel_ids) } }
}

/** POST and PUT responses always carry store credit (observed), GETs only when asked. */
const WRITE_RESPONSE = new Set(['storecredit'] as const)

/** The page of `query` with the columns `select` adds to the filtered customers. */
async function customerPage<Row extends { id: number }>(
  db: Kysely<Database>,
  storeId: number,
  query: ListCustomersQuery,
  url: string,
  select: (sortColumn: q.CustomerSortColumn | undefined, plan: q.ListPlan) => SelectQueryBuilder<any, any, Row>,
): Promise<Page<Row>> {
  const [field, direction] = (query.sort?.split(':') ?? []) as [keyof typeof CUSTOMER_SORTS | undefined, 'asc' | 'desc']
  const column = field ? CUSTOMER_SORTS[field] : undefined
  const request = readPageRequest(query, url)
  let total = () => q.countCustomers(db, storeId, query)
  let plan: q.ListPlan = {}
  // In id order, forwards, under a date filter, the list's extent chooses how the page is found,
  // so it is read first (kept until the next write: the total comes with it).
  if (!field && request.cursor?.direction !== 'before' && q.plannedByDates(query)) {
    const pageEnd = request.cursor ? request.limit : request.page * request.limit
    const planned = await q.datePagePlan(db, storeId, query, pageEnd)
    plan = planned.plan
    total = async () => planned.total
  }
  const idOrder = q.idOrderOf(db, query)
  return fetchPage({
    query: select(column, plan),
    idColumn: 'id',
    ...(idOrder ? { idOrder } : {}),
    order: field ? { column: column!, field, direction } : undefined,
    request,
    total,
    cursors: true,
    // a date plan or a lookup's order chooses how the page is read: a recorded start is not for them
    ...(Object.keys(plan).length === 0 && !idOrder ? { anchors: () => q.pageAnchors(db, storeId, query) } : {}),
  })
}

/**
 * GET /customers as objects, with what hangs off them: what the route served before it was
 * written from text (listCustomersJson), kept as the reference that text is held to (test/).
 */
export async function listCustomers(
  db: Kysely<Database>,
  storeId: number,
  query: ListCustomersQuery,
  url: string,
): Promise<{ data: Customer[]; meta: CollectionMeta }> {
  const page = await customerPage(db, storeId, query, url, (_, plan) => q.filteredCustomers(db, storeId, query, plan))
  const include = new Set(query.include ?? [])
  const included = await loadIncludes(db, storeId, page.rows.map((row) => row.id), include)
  return { data: page.rows.map((row) => toCustomer(row, include, included)), meta: page.meta }
}

/** GET /customers: the response body, from the texts the write path stored and the page's includes (representation.ts). */
export async function listCustomersJson(db: Kysely<Database>, storeId: number, query: ListCustomersQuery, url: string): Promise<string> {
  const include = new Set(query.include ?? [])
  const storeCredit = include.has('storecredit')
  const page = await customerPage(db, storeId, query, url, (column, plan) => q.filteredCustomerJson(db, storeId, query, column, plan, storeCredit))
  const [heads, included] = await Promise.all([
    storedHeads(db, storeId, page.rows),
    loadIncludes(db, storeId, page.rows.map((row) => row.id), include),
  ])
  return customerListJson(page.rows.map((row, i) => customerJson(heads[i]!, row, include, included)), page.meta)
}

/** Each row's stored head; a row written before `api_json` existed gets one made from its columns. */
async function storedHeads(db: Kysely<Database>, storeId: number, rows: readonly CustomerJsonRow[]): Promise<string[]> {
  const missing = rows.filter((row) => row.api_json === null).map((row) => row.id)
  if (missing.length === 0) return rows.map((row) => row.api_json!)
  const made = new Map((await q.findCustomers(db, storeId, missing)).map((row) => [row.id, customerJsonHead(row)]))
  return rows.map((row) => row.api_json ?? made.get(row.id)!)
}

function checkPasswords(items: (CustomerCreate | CustomerUpdate)[]): void {
  items.forEach((item, i) => {
    const password = item.authentication?.new_password
    const problem = password === undefined ? undefined : passwordProblem(password)
    if (problem) throw new RuleError(`${i}.authentication.new_password`, problem)
  })
}

async function passwordHashes(items: (CustomerCreate | CustomerUpdate)[], hash: PasswordHasher = hashPassword): Promise<(string | undefined)[]> {
  return Promise.all(items.map((item) => (item.authentication?.new_password === undefined ? undefined : hash(item.authentication.new_password))))
}

/** Makes a password's scrypt hash; a bulk writer may pass one that hashes each distinct password once. */
export type PasswordHasher = (password: string) => Promise<string>

/** A create's rows and form field hashes, made before its transaction opens (scrypt is slow). */
export interface PreparedCustomers {
  items: CustomerCreate[]
  rows: q.NewCustomerRow[]
  formFieldHashes: PasswordHashes
}

/** Checks the passwords and makes everything a create needs but its transaction. */
export async function prepareCustomers(db: Kysely<Database>, now: Date, storeId: number, items: CustomerCreate[], hash?: PasswordHasher): Promise<PreparedCustomers> {
  checkPasswords(items)
  const [hashes, formFieldHashes] = await Promise.all([passwordHashes(items, hash), nestedPasswordHashes(db, storeId, items)])
  const stamp = formatTimestamp(now)
  const rows: q.NewCustomerRow[] = items.map((item, i) => ({
    email: item.email,
    email_key: emailKey(item.email),
    first_name: item.first_name,
    last_name: item.last_name,
    name_key: nameKey(item),
    company: item.company ?? '',
    phone: item.phone ?? '',
    notes: item.notes ?? '',
    tax_exempt_category: item.tax_exempt_category ?? '',
    registration_ip_address: '',
    customer_group_id: item.customer_group_id ?? 0,
    password_hash: hashes[i] ?? null,
    force_password_reset: flag.encode(item.authentication?.force_password_reset ?? false),
    accepts_product_review_abandoned_cart_emails: flag.encode(item.accepts_product_review_abandoned_cart_emails ?? false),
    store_credit_amounts: storeCredit.encode(item.store_credit_amounts ?? DEFAULT_STORE_CREDIT),
    origin_channel_id: item.origin_channel_id ?? 1,
    channel_ids: null, // set in the transaction: the default depends on the origin channel's settings
    address_count: 0,
    attribute_count: 0,
    date_created: stamp,
    date_modified: stamp,
  }))
  return { items, rows, formFieldHashes }
}

/**
 * The write of POST /customers inside the caller's transaction: the customers, their events and
 * what is nested in them, under every rule of the API. Returns the rows written, by id.
 */
export async function writeCustomers(trx: Transaction<Database>, now: Date, storeId: number, prepared: PreparedCustomers): Promise<q.CustomerRow[]> {
  const { items, rows, formFieldHashes } = prepared
  await checkChannels(trx, storeId, items)
  const channelIds = await channelIdsOnCreate(trx, storeId, items)
  const inserted = rows.map((row, i) => ({ ...row, channel_ids: channelIdsColumn.encode(channelIds[i] ?? null) }))
  const ids = await q.insertCustomers(trx, storeId, inserted, customerJsonHead)
  await checkEmailScopes(trx, storeId, 'create', ids.map((id, i) => ({ id, email: items[i]!.email })))
  // Each customer's event before those of what is nested in it (its addresses').
  await recordEvents(trx, storeId, ids.map((id, i) => customerEvent('store/customer/created', { ...inserted[i]!, id })))
  await writeNestedOnCreate(trx, now, storeId, items, ids, formFieldHashes)
  return sortedById(await q.findCustomers(trx, storeId, ids))
}

export async function createCustomers(db: Kysely<Database>, now: Date, storeId: number, items: CustomerCreate[]): Promise<Customer[]> {
  // Every hash is made before the transaction opens, which then holds its connection only for SQL.
  const prepared = await prepareCustomers(db, now, storeId, items)
  const created = await db.transaction().execute((trx) => writeCustomers(trx, now, storeId, prepared))
  return created.map((row) => toCustomer(row, WRITE_RESPONSE))
}

export async function updateCustomers(db: Kysely<Database>, now: Date, storeId: number, items: CustomerUpdate[]): Promise<Customer[]> {
  refuseNestedOnUpdate(items)
  checkPasswords(items)
  const [hashes, formFieldHashes] = await Promise.all([passwordHashes(items), nestedPasswordHashes(db, storeId, items)])
  const stamp = formatTimestamp(now)
  const ids = items.map((item) => item.id)

  const updated = await db.transaction().execute(async (trx) => {
    const current = new Map((await q.findCustomers(trx, storeId, ids)).map((row) => [row.id, row]))
    items.forEach((item, i) => {
      const row = current.get(item.id)
      if (!row) throw new RuleError(`${i}.id`, 'invalid customer ID')
      for (const field of ['registration_ip_address', 'origin_channel_id'] as const) {
        if (item[field] !== undefined && item[field] !== row[field]) {
          throw new RuleError(`${i}.${field}`, `${field} is read-only and cannot be changed`)
        }
      }
    })
    await checkChannels(trx, storeId, items.map((item) => ({ channel_ids: item.channel_ids })))

    const channelsBefore = new Map([...current].map(([id, row]) => [id, row.channel_ids]))
    const updates = items.map((item, i) => {
      const row = current.get(item.id)!
      const changes = updateOf(item, row, hashes[i], stamp)
      Object.assign(row, changes)
      return { id: item.id, changes: { ...changes, api_json: customerJsonHead(row) } }
    })
    await q.updateCustomers(trx, storeId, updates)
    // `current` holds each row as the batch left it.
    const rescoped = items.filter((item) => item.email !== undefined || item.channel_ids !== undefined)
    await checkEmailScopes(trx, storeId, 'update', rescoped.map((item) => ({ id: item.id, email: current.get(item.id)!.email })))
    await writeNestedOnUpdate(trx, now, storeId, items, formFieldHashes)
    const updated = sortedById(await q.findCustomers(trx, storeId, ids))
    await recordEvents(trx, storeId, [
      ...updated.map((row) => customerEvent('store/customer/updated', row)),
      // Only a change of channel_ids, which only an API write makes (WEBHOOKS.md (c)).
      ...updated
        .filter((row) => row.channel_ids !== channelsBefore.get(row.id))
        .map((row): DomainEvent => ({ scope: 'store/customer/channel/login/access/updated', data: { customer_id: row.id, channel_ids: channelIdsColumn.decode(row.channel_ids) } })),
    ])
    return updated
  })
  const byId = new Map(updated.map((row) => [row.id, row]))
  return [...new Set(ids)].map((id) => toCustomer(byId.get(id)!, WRITE_RESPONSE))
}

/** The columns a PUT item changes; omitted fields stay as they are. */
function updateOf(item: CustomerUpdate, row: q.CustomerRow, passwordHash: string | undefined, stamp: string): Updateable<CustomerTable> {
  const changes: Updateable<CustomerTable> = { date_modified: stamp }
  for (const field of ['email', 'first_name', 'last_name', 'company', 'phone', 'notes', 'tax_exempt_category', 'customer_group_id'] as const) {
    if (item[field] !== undefined) (changes as Record<string, unknown>)[field] = item[field]
  }
  if (item.email !== undefined) changes.email_key = emailKey(item.email)
  if (item.first_name !== undefined || item.last_name !== undefined) {
    changes.name_key = nameKey({ first_name: item.first_name ?? row.first_name, last_name: item.last_name ?? row.last_name })
  }
  if (passwordHash !== undefined) changes.password_hash = passwordHash
  if (item.authentication?.force_password_reset !== undefined) changes.force_password_reset = flag.encode(item.authentication.force_password_reset)
  if (item.accepts_product_review_abandoned_cart_emails !== undefined) {
    changes.accepts_product_review_abandoned_cart_emails = flag.encode(item.accepts_product_review_abandoned_cart_emails)
  }
  if (item.store_credit_amounts !== undefined) changes.store_credit_amounts = storeCredit.encode(item.store_credit_amounts)
  if (item.channel_ids !== undefined) changes.channel_ids = channelIdsColumn.encode(item.channel_ids)
  return changes
}

/** Deletes customers (and, in the same transaction, what hangs off them); unknown ids are ignored. */
export async function deleteCustomers(db: Kysely<Database>, storeId: number, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return
  await db.transaction().execute(async (trx) => {
    const deleted = await q.deleteCustomers(trx, storeId, ids)
    await deleteMetafieldsOf(trx, storeId, CUSTOMER_METAFIELDS, deleted)
    // Their addresses go with them and make no address events of their own (COMPATIBILITY.md "Webhooks").
    await recordEvents(trx, storeId, deleted.map((id) => ({ scope: 'store/customer/deleted', data: { type: 'customer', id } })))
  })
}
