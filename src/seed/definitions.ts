import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { attributeNameKey, attributesOf } from '../resources/attributes/index.js'
import { createAttributes } from '../resources/attributes/service.js'
import { createFormField, listFormFields } from '../resources/form-field-values/definitions.js'
import { createChannel, listChannels } from '../stores/channels.js'
import { StoreAdminError, storeIdOf } from '../stores/lookup.js'
import { createStore, listAccounts } from '../stores/service.js'
import { SEED_ATTRIBUTES, SEED_FORM_FIELDS, type CustomerShape } from './fake-data.js'

// What a seed makes before its customers, each reused when the store has it already: the store,
// its attributes, form fields and channels, and the client id its metafields belong to.

/** The client id seeded metafields belong to when the store has no API account. */
export const SEED_CLIENT_ID = 'clientele-seed'

/** The store's id, made when missing. */
export async function ensureStore(db: Kysely<Database>, hash: string): Promise<{ storeId: number; created: boolean }> {
  try {
    return { storeId: await storeIdOf(db, hash), created: false }
  } catch (error) {
    if (!(error instanceof StoreAdminError) || error.kind !== 'not_found') throw error
  }
  await createStore(db, hash)
  return { storeId: await storeIdOf(db, hash), created: true }
}

/** The store's first `n` seed attributes, made where missing (an attribute of the same name is reused). */
export async function seedAttributes(db: Kysely<Database>, now: Date, storeId: number, n: number): Promise<CustomerShape['attributes']> {
  const wanted = SEED_ATTRIBUTES.slice(0, n)
  if (wanted.length === 0) return []
  const byName = async () => new Map((await attributesOf(db, storeId)).map((row) => [row.name_key, row]))
  const existing = await byName()
  const missing = wanted.filter((a) => !existing.has(attributeNameKey(a.name)))
  if (missing.length > 0) await createAttributes(db, now, storeId, missing.map(({ name, type }) => ({ name, type })))
  const all = await byName()
  return wanted.map((attribute) => {
    const row = all.get(attributeNameKey(attribute.name))!
    if (row.type !== attribute.type) throw new StoreAdminError('conflict', `the store's attribute "${row.name}" is of type ${row.type}, not ${attribute.type}: rename it or seed fewer --attributes`)
    return { id: row.id, value: attribute.value }
  })
}

/** The seed's two form fields, made where missing. */
export async function seedFormFields(db: Kysely<Database>, hash: string): Promise<true> {
  const existing = new Set((await listFormFields(db, hash)).map((field) => `${field.form}:${field.name}`))
  for (const [form, field] of Object.entries(SEED_FORM_FIELDS)) {
    if (!existing.has(`${form}:${field.name}`)) await createFormField(db, hash, { form, ...field })
  }
  return true
}

/** The store's channels after `extra` more are made: the origins seeded customers are spread over. */
export async function seedChannels(db: Kysely<Database>, hash: string, extra: number): Promise<number[]> {
  for (let i = 0; i < extra; i++) await createChannel(db, hash, { name: `Storefront ${i + 2}` })
  return extra === 0 ? [1] : (await listChannels(db, hash)).map((channel) => channel.id)
}

export async function firstClientId(db: Kysely<Database>, hash: string): Promise<string> {
  return (await listAccounts(db, hash))[0]?.client_id ?? SEED_CLIENT_ID
}

