import { randomBytes } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { formatTimestamp, systemClock, type Clock } from '../core/dates.js'
import type { TokenOwner } from '../core/auth.js'
import { rateLimitOf } from '../core/rate-limit-plans.js'
import { ALL_SCOPES } from '../core/scopes.js'
import { isUniqueViolation } from '../db/dialect.js'
import { forgetStoreCounts } from '../db/cached-counts.js'
import { readWriteVersions, startWriteVersions } from '../db/counters.js'
import { precompiled } from '../db/precompiled.js'
import { STORE_DATA_TABLES, type Database } from '../db/schema.js'
import { StoreAdminError, storeIdOf } from './lookup.js'
import { hashToken, randomKey } from './tokens.js'

// Stores and their API accounts: what the CLI and the admin API manage. Errors here are plain
// StoreAdminError values; the admin routes and the CLI each present them their own way.

export interface Store {
  hash: string
  name: string
  date_created: string
}

export interface ApiAccount {
  client_id: string
  store_hash: string
  name: string
  scopes: string[]
  date_created: string
}

export interface CreatedAccount extends ApiAccount {
  /** shown once, at creation */
  access_token: string
  /** signs the account's webhook deliveries (Standard Webhooks): an app verifies them with it */
  client_secret: string
}

const HASH = /^[a-z0-9][a-z0-9_-]{0,63}$/i

/** Refuses a hash no store may have (before a command that would make one does any work). */
export function checkStoreHash(hash: string): void {
  if (!HASH.test(hash)) throw new StoreAdminError('invalid', `store hash "${hash}" must be 1-64 letters, digits, "-" or "_"`)
}

export async function createStore(db: Kysely<Database>, hash: string, name = hash, clock: Clock = systemClock): Promise<Store> {
  return db.transaction().execute(async (trx) => {
    const { id, store } = await insertStore(trx, hash, name, clock)
    // Channel 1, the default storefront, comes with every store (src/stores/channels.ts).
    await trx.insertInto('channels').values({ store_id: id, id: 1, name, date_created: store.date_created }).execute()
    await startWriteVersions(trx, id)
    return store
  })
}

/** The store's own row, and nothing else: an import brings the channels and counters from its file. */
export async function insertStore(trx: Transaction<Database>, hash: string, name: string, clock: Clock): Promise<{ id: number; store: Store }> {
  checkStoreHash(hash)
  const store = { hash, name, date_created: formatTimestamp(clock()) }
  try {
    const { id } = await trx.insertInto('stores').values(store).returning('id').executeTakeFirstOrThrow()
    return { id, store }
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreAdminError('conflict', `store "${hash}" already exists`)
    throw error
  }
}

export async function listStores(db: Kysely<Database>): Promise<Store[]> {
  return db.selectFrom('stores').select(['hash', 'name', 'date_created']).orderBy('id').execute()
}

export async function countStores(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('stores').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Deletes a store with its accounts and all its data (every table cascades from stores). */
export async function deleteStore(db: Kysely<Database>, hash: string): Promise<void> {
  const result = await db.deleteFrom('stores').where('hash', '=', hash).returning('id').executeTakeFirst()
  if (!result) throw new StoreAdminError('not_found', `no store "${hash}"`)
  forgetStoreCounts(db, result.id)
}

/** Empties a store's data (customers and everything hanging off them; ids restart at 1) and keeps its accounts and channels (STORE_ADMIN_TABLES). */
export async function resetStore(db: Kysely<Database>, hash: string): Promise<void> {
  const id = await storeIdOf(db, hash)
  await db.transaction().execute(async (trx) => {
    const versions = await readWriteVersions(trx, id)
    for (const table of STORE_DATA_TABLES) await trx.deleteFrom(table).where('store_id', '=', id).execute()
    // The counters go with the data, but the write versions move on: totals kept before are stale.
    await startWriteVersions(trx, id, versions)
  })
}

export interface NewAccount {
  storeHash: string
  scopes: readonly string[]
  clientId?: string
  name?: string
  /** a token chosen by the caller (CLIENTELE_DEV_TOKEN) instead of a random one */
  accessToken?: string
}

// A chosen token must be as hard to guess as a CI secret usually is, and safe in a header.
const CHOSEN_TOKEN = /^[A-Za-z0-9_-]{12,128}$/

function checkChosenToken(token: string | undefined, name: string): void {
  if (token !== undefined && !CHOSEN_TOKEN.test(token)) throw new StoreAdminError('invalid', `${name} must be 12-128 letters, digits, "-" or "_"`)
}

export async function createAccount(db: Kysely<Database>, input: NewAccount, clock: Clock = systemClock): Promise<CreatedAccount> {
  const unknown = input.scopes.filter((s) => !ALL_SCOPES.includes(s))
  if (unknown.length > 0) {
    throw new StoreAdminError('invalid', `unknown scope(s): ${unknown.join(', ')}; known: ${ALL_SCOPES.join(', ')}`)
  }
  if (input.scopes.length === 0) throw new StoreAdminError('invalid', 'an account needs at least one scope')
  const clientId = input.clientId ?? randomKey()
  if (!HASH.test(clientId)) throw new StoreAdminError('invalid', `client id "${clientId}" must be 1-64 letters, digits, "-" or "_"`)
  const id = await storeIdOf(db, input.storeHash)
  checkChosenToken(input.accessToken, 'a chosen access token')
  const token = input.accessToken ?? randomKey()
  const scopes = [...new Set(input.scopes)]
  const account = {
    store_id: id,
    client_id: clientId,
    name: input.name ?? clientId,
    token_hash: hashToken(token),
    scopes: scopes.join(' '),
    client_secret: randomBytes(24).toString('base64url'),
    date_created: formatTimestamp(clock()),
  }
  try {
    await db.insertInto('api_accounts').values(account).execute()
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreAdminError('conflict', `client id "${clientId}" is taken`)
    throw error
  }
  return {
    client_id: clientId,
    store_hash: input.storeHash,
    name: account.name,
    scopes,
    date_created: account.date_created,
    access_token: token,
    client_secret: account.client_secret,
  }
}

export async function listAccounts(db: Kysely<Database>, storeHash?: string): Promise<ApiAccount[]> {
  // An unknown store is an error, not an empty list: a typo in a hash must not look like "no tokens".
  if (storeHash !== undefined) await storeIdOf(db, storeHash)
  let query = db
    .selectFrom('api_accounts')
    .innerJoin('stores', 'stores.id', 'api_accounts.store_id')
    .select(['api_accounts.client_id', 'stores.hash', 'api_accounts.name', 'api_accounts.scopes', 'api_accounts.date_created'])
    .orderBy('api_accounts.id')
  if (storeHash !== undefined) query = query.where('stores.hash', '=', storeHash)
  const rows = await query.execute()
  return rows.map((r) => ({
    client_id: r.client_id,
    store_hash: r.hash,
    name: r.name,
    scopes: r.scopes.split(' '),
    date_created: r.date_created,
  }))
}

/** Revokes an account: its token stops working at once. */
export async function revokeAccount(db: Kysely<Database>, clientId: string): Promise<void> {
  const result = await db.deleteFrom('api_accounts').where('client_id', '=', clientId).executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw new StoreAdminError('not_found', `no API account with client id "${clientId}"`)
}

// Every API request runs it: compiled once (db/precompiled.ts).
const accountOfToken = precompiled((db, tokenHash: string) =>
  db
    .selectFrom('api_accounts')
    .innerJoin('stores', 'stores.id', 'api_accounts.store_id')
    // The store's quota comes with the token, in the same query: a limited store costs no extra round trip.
    .leftJoin('rate_limits', 'rate_limits.store_id', 'stores.id')
    .select(['api_accounts.id', 'api_accounts.client_id', 'api_accounts.scopes', 'stores.id as store_id', 'stores.hash'])
    .select(['rate_limits.quota', 'rate_limits.window_ms', 'rate_limits.plan'])
    .where('api_accounts.token_hash', '=', tokenHash),
)

export async function findTokenOwner(db: Kysely<Database>, token: string): Promise<TokenOwner | undefined> {
  const [row] = await accountOfToken(db, hashToken(token))
  if (!row) return undefined
  return {
    accountId: row.id,
    clientId: row.client_id,
    storeId: row.store_id,
    storeHash: row.hash,
    scopes: new Set(row.scopes.split(' ')),
    rateLimit: row.quota === null || row.window_ms === null ? null : rateLimitOf({ quota: row.quota, window_ms: row.window_ms, plan: row.plan }),
  }
}

/** First start: a store `dev` and an account with every scope, so the printed curl line works. */
export async function createDevStore(db: Kysely<Database>, accessToken?: string, clock: Clock = systemClock): Promise<CreatedAccount> {
  // Checked before the store is made, so a refused token leaves no half-made dev store behind.
  checkChosenToken(accessToken, 'CLIENTELE_DEV_TOKEN')
  await createStore(db, 'dev', 'Development store', clock)
  return createAccount(db, { storeHash: 'dev', scopes: ALL_SCOPES, name: 'Development account', ...(accessToken ? { accessToken } : {}) }, clock)
}
