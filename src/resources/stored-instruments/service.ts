import type { Kysely } from 'kysely'
import { resourceNotFound } from '../../core/errors.js'
import { flag, json } from '../../db/codecs.js'
import type { Database } from '../../db/schema.js'
import * as q from './queries.js'
import type { StoredInstrument } from './schemas.js'

// GET /customers/{customerId}/stored-instruments: the customer's instruments, oldest first, each
// in the shape of its type; a customer without any has `[]`, a customer that does not exist 404.

/** The type's own fields (card brand, expiry; a PayPal account's email...), as a JSON object. */
export const details = json<Record<string, unknown>>()

export function toInstrument(row: Pick<q.InstrumentRow, 'type' | 'token' | 'is_default' | 'details'>): StoredInstrument {
  return { type: row.type, token: row.token, is_default: flag.decode(row.is_default), ...details.decode(row.details) } as StoredInstrument
}

export async function listInstruments(db: Kysely<Database>, storeId: number, customerId: number): Promise<StoredInstrument[]> {
  const [exists, rows] = await Promise.all([q.customerExists(db, storeId, customerId), q.instrumentsOf(db, storeId, customerId)])
  if (!exists) throw resourceNotFound()
  return rows.map(toInstrument)
}
