import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import type { Kysely } from 'kysely'
import { formatTimestamp, systemClock, type Clock } from '../core/dates.js'
import { isUniqueViolation } from '../db/dialect.js'
import type { Database } from '../db/schema.js'
import { exportStore } from './dump/export.js'
import { StoreFileError } from './dump/format.js'
import { importStore } from './dump/import.js'
import { StoreAdminError, storeIdOf } from './lookup.js'

// Snapshots: a store's data saved under a name, to come back to between test cases faster than
// seeding it again. A snapshot is the store file an export writes (without accounts: a restore
// leaves the store's tokens and hooks as they are), gzipped, in the database beside the store,
// so every node sees it; a restore is an import that replaces the store, in one transaction.

export interface Snapshot {
  name: string
  date_created: string
  customers: number
  rows: number
  /** gzipped size */
  bytes: number
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

const gzipped = promisify(gzip)
const gunzipped = promisify(gunzip)

export interface SnapshotCreate {
  name: string
  /** a snapshot of that name is replaced rather than refused */
  replace?: boolean
}

export async function createSnapshot(db: Kysely<Database>, hash: string, input: SnapshotCreate, clock: Clock = systemClock): Promise<Snapshot> {
  if (!NAME.test(input.name)) throw new StoreAdminError('invalid', `snapshot name "${input.name}" must be 1-64 letters, digits, ".", "-" or "_", starting with a letter or digit`)
  const storeId = await storeIdOf(db, hash)
  const parts: string[] = []
  const { rows, tables } = await exportStore(db, storeId, (text) => {
    parts.push(text)
  })
  const customers = tables.customers ?? 0
  const data = await gzipped(parts.join(''))
  const snapshot = { name: input.name, date_created: formatTimestamp(clock()), customers, rows, bytes: data.length }
  try {
    await db.transaction().execute(async (trx) => {
      if (input.replace) await trx.deleteFrom('store_snapshots').where('store_id', '=', storeId).where('name', '=', input.name).execute()
      await trx.insertInto('store_snapshots').values({ store_id: storeId, name: snapshot.name, date_created: snapshot.date_created, customers, rows, data }).execute()
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreAdminError('conflict', `store "${hash}" has a snapshot "${input.name}" already (replace it with "replace": true)`)
    throw error
  }
  return snapshot
}

export async function listSnapshots(db: Kysely<Database>, hash: string): Promise<Snapshot[]> {
  const storeId = await storeIdOf(db, hash)
  const rows = await db
    .selectFrom('store_snapshots')
    .select(['name', 'date_created', 'customers', 'rows', (eb) => eb.fn<number>('length', ['data']).as('bytes')])
    .where('store_id', '=', storeId)
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ ...row, bytes: Number(row.bytes) }))
}

/** Puts the store back as the snapshot holds it, at once for every reader (one transaction); its API accounts and hooks stay. */
export async function restoreSnapshot(db: Kysely<Database>, hash: string, name: string, clock: Clock = systemClock): Promise<Snapshot> {
  const storeId = await storeIdOf(db, hash)
  const row = await db.selectFrom('store_snapshots').selectAll().where('store_id', '=', storeId).where('name', '=', name).executeTakeFirst()
  if (!row) throw new StoreAdminError('not_found', `store "${hash}" has no snapshot "${name}"`)
  const text = (await gunzipped(row.data)).toString('utf8')
  try {
    await importStore(db, { hash, replace: true }, linesOf(text), clock)
  } catch (error) {
    // Only a snapshot taken before a schema change this version's files do not read can fail here.
    if (error instanceof StoreFileError) throw new StoreAdminError('conflict', `snapshot "${name}" cannot be restored by this version: ${error.message}`)
    throw error
  }
  return { name: row.name, date_created: row.date_created, customers: row.customers, rows: row.rows, bytes: row.data.length }
}

function* linesOf(text: string): Generator<string> {
  let start = 0
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    yield text.slice(start, end)
    start = end + 1
  }
  if (start < text.length) yield text.slice(start)
}

export async function deleteSnapshot(db: Kysely<Database>, hash: string, name: string): Promise<void> {
  const storeId = await storeIdOf(db, hash)
  const result = await db.deleteFrom('store_snapshots').where('store_id', '=', storeId).where('name', '=', name).executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw new StoreAdminError('not_found', `store "${hash}" has no snapshot "${name}"`)
}
