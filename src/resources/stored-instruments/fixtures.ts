import { randomBytes } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { formatTimestamp, systemClock, type Clock } from '../../core/dates.js'
import { bodyProblems } from '../../core/validation.js'
import { isUniqueViolation } from '../../db/dialect.js'
import { lockKeys } from '../../db/locks.js'
import { recordEvents, type DomainEvent } from '../../db/outbox.js'
import { flag } from '../../db/codecs.js'
import type { Database } from '../../db/schema.js'
import { StoreAdminError, storeIdOf } from '../../stores/lookup.js'
import * as q from './queries.js'
import { EMPTY_BILLING_ADDRESS, INSTRUMENT_FIXTURES, type StoredInstrument, type StoredInstrumentCreate } from './schemas.js'
import { details, toInstrument } from './service.js'

// Stored instruments as test fixtures, for the admin API and the CLI: real stores fill them from
// payments, which Clientele does not take. A customer has at most one default instrument: adding
// a new default makes the previous one an ordinary instrument (and a partial unique index holds
// the rule whatever writes the table).

/** The input checked against its type's shape (the CLI's JSON has passed no HTTP validation). */
function checked(input: unknown): StoredInstrumentCreate {
  const type = (input as { type?: unknown } | null)?.type
  const schema = typeof type === 'string' && Object.hasOwn(INSTRUMENT_FIXTURES, type) ? INSTRUMENT_FIXTURES[type as keyof typeof INSTRUMENT_FIXTURES] : undefined
  if (!schema) throw new StoreAdminError('invalid', `type: must be one of: ${Object.keys(INSTRUMENT_FIXTURES).join(', ')}`)
  const problems = bodyProblems(schema, input)
  if (problems) throw new StoreAdminError('invalid', Object.entries(problems).map(([path, message]) => `${path}: ${message}`).join('; '))
  return input as StoredInstrumentCreate
}

/** The fields stored as details: the type's own, with the optional ones filled as BigCommerce shows them. */
function detailsOf(input: StoredInstrumentCreate): Record<string, unknown> {
  switch (input.type) {
    case 'stored_card':
      return {
        brand: input.brand,
        expiry_month: input.expiry_month,
        expiry_year: input.expiry_year,
        issuer_identification_number: input.issuer_identification_number ?? '',
        last_4: input.last_4,
        billing_address: { ...EMPTY_BILLING_ADDRESS, ...input.billing_address },
      }
    case 'stored_paypal_account':
      return { email: input.email }
    default:
      return { masked_account_number: input.masked_account_number, issuer: input.issuer }
  }
}

async function requireCustomer(db: Kysely<Database>, storeId: number, storeHash: string, customerId: number): Promise<void> {
  if (!(await q.customerExists(db, storeId, customerId))) throw new StoreAdminError('not_found', `no customer ${customerId} in store "${storeHash}"`)
}

export async function listInstrumentsOf(db: Kysely<Database>, storeHash: string, customerId: number): Promise<StoredInstrument[]> {
  const storeId = await storeIdOf(db, storeHash)
  await requireCustomer(db, storeId, storeHash, customerId)
  return (await q.instrumentsOf(db, storeId, customerId)).map(toInstrument)
}

export async function addInstrument(
  db: Kysely<Database>,
  storeHash: string,
  customerId: number,
  input: unknown,
  clock: Clock = systemClock,
): Promise<StoredInstrument> {
  const row = instrumentRow(await storeIdOf(db, storeHash), customerId, input, clock)
  try {
    await db.transaction().execute((trx) => writeInstrument(trx, storeHash, row))
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreAdminError('conflict', `an instrument with token "${row.token}" already exists in store "${storeHash}"`)
    throw error
  }
  return toInstrument(row)
}

export type InstrumentRow = ReturnType<typeof instrumentRow>

/** The row of an instrument to add, its input checked; a token is made when none is given. */
export function instrumentRow(storeId: number, customerId: number, input: unknown, clock: Clock = systemClock) {
  const instrument = checked(input)
  return {
    store_id: storeId,
    customer_id: customerId,
    token: instrument.token ?? randomBytes(32).toString('hex'),
    type: instrument.type,
    is_default: flag.encode(instrument.is_default ?? false),
    details: details.encode(detailsOf(instrument)),
    date_created: formatTimestamp(clock()),
  }
}

/** Adds an instrument in the caller's transaction; a new default demotes the customer's previous one. */
export async function writeInstrument(trx: Transaction<Database>, storeHash: string, row: InstrumentRow): Promise<void> {
  const { store_id: storeId, customer_id: customerId } = row
  await requireCustomer(trx, storeId, storeHash, customerId)
  if (row.is_default) {
    // Two defaults added at once take turns, so the second demotes the first instead of failing.
    await lockKeys(trx, storeId, [`stored-instrument-default:${customerId}`])
    await q.clearDefault(trx, storeId, customerId)
  }
  await q.insertInstrument(trx, row)
  if (row.is_default) await recordEvents(trx, storeId, [defaultChanged(customerId)])
}

/** A customer's default instrument changed (WEBHOOKS.md (c)): the only instrument event. */
const defaultChanged = (customerId: number): DomainEvent => ({
  scope: 'store/customer/payment/instrument/default/updated',
  data: { type: 'customer', id: customerId },
})

export async function removeInstrument(db: Kysely<Database>, storeHash: string, customerId: number, token: string): Promise<void> {
  const storeId = await storeIdOf(db, storeHash)
  const removed = await db.transaction().execute(async (trx) => {
    const row = await q.deleteInstrument(trx, storeId, customerId, token)
    // The customer is left without a default: that changed it too.
    if (row && flag.decode(row.is_default)) await recordEvents(trx, storeId, [defaultChanged(customerId)])
    return row
  })
  if (!removed) {
    throw new StoreAdminError('not_found', `customer ${customerId} of store "${storeHash}" has no instrument with token "${token}"`)
  }
}
