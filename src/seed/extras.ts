import type { Kysely, Transaction } from 'kysely'
import { withoutEvents } from '../db/outbox.js'
import type { Database } from '../db/schema.js'
import { checkedConsent, storeConsent } from '../resources/consent/service.js'
import { CONSENT_CATEGORIES, type ConsentCategory } from '../resources/consent/schemas.js'
import type { CustomerCreate } from '../resources/customers/schemas.js'
import { createMetafieldsIn } from '../resources/metafields/service.js'
import { instrumentRow, writeInstrument } from '../resources/stored-instruments/fixtures.js'
import { StoreAdminError } from '../stores/lookup.js'
import type { SeedPlan, SeedProgress } from './plan.js'
import type { Random } from './random.js'

// What hangs off seeded customers besides what POST /customers nests: consent and stored
// instruments (written in the customers' transaction), customer and cart metafields (batch
// creates of their own, after the customers).

const METAFIELDS_PER_BATCH = 2_000

const CHOICES = CONSENT_CATEGORIES.filter((category) => category !== 'essential')

export async function seedConsent(trx: Transaction<Database>, now: Date, storeId: number, ids: number[], random: Random): Promise<number> {
  for (const id of ids) {
    const allow: ConsentCategory[] = []
    const deny: ConsentCategory[] = []
    for (const category of CHOICES) (random.chance(0.6) ? allow : deny).push(category)
    await storeConsent(trx, storeId, id, checkedConsent({ allow, deny }, now))
  }
  return ids.length
}

const BRANDS = ['visa', 'mastercard', 'amex', 'discover']

export async function seedInstruments(
  trx: Transaction<Database>,
  now: Date,
  plan: SeedPlan,
  storeId: number,
  rows: { id: number; email: string }[],
  items: CustomerCreate[],
  random: Random,
): Promise<number> {
  let made = 0
  for (const [i, row] of rows.entries()) {
    const customer = items[i]!
    for (let j = 0; j < plan.instruments; j++) {
      const common = { token: random.hex(64), is_default: j === 0 }
      const input = random.chance(0.8)
        ? { type: 'stored_card', ...common, brand: random.pick(BRANDS), expiry_month: random.int(1, 12), expiry_year: random.int(2027, 2032), last_4: String(random.int(0, 9999)).padStart(4, '0'), billing_address: { first_name: customer.first_name, last_name: customer.last_name, email: customer.email } }
        : { type: 'stored_paypal_account', ...common, email: row.email }
      await writeInstrument(trx, plan.storeHash, instrumentRow(storeId, row.id, input, () => now))
      made += 1
    }
  }
  return made
}

const CUSTOMER_METAFIELD_KEYS = ['external_id', 'crm_segment', 'marketing_opt_in', 'preferred_contact', 'support_tier']

/** A customer's k-th metafield: an app's sync id, segment, preferences... (keys beyond the list are numbered). */
export function customerMetafield(k: number, random: Random) {
  const key = k < CUSTOMER_METAFIELD_KEYS.length ? CUSTOMER_METAFIELD_KEYS[k]! : `field_${k}`
  const value = key === 'external_id' ? `crm-${random.hex(10)}` : key === 'crm_segment' ? random.pick(['new', 'active', 'lapsed', 'vip']) : String(random.int(0, 1_000))
  return { namespace: 'app', key, value, permission_set: 'read' as const, description: '' }
}

export function cartMetafield(k: number, random: Random) {
  return k === 0
    ? { namespace: 'checkout', key: 'gift_message', value: random.pick(['Happy birthday!', 'Congratulations', 'With love', 'Thank you']), permission_set: 'write' as const, description: '' }
    : { namespace: 'checkout', key: 'delivery_slot', value: `${random.int(8, 18)}:00`, permission_set: 'read' as const, description: '' }
}

/** `total` metafields made by `item`, in batch creates of METAFIELDS_PER_BATCH, each its own silent transaction. */
export async function seedMetafields(
  db: Kysely<Database>,
  now: Date,
  phase: SeedProgress['phase'],
  total: number,
  report: (progress: SeedProgress) => void,
  item: (i: number) => Parameters<typeof createMetafieldsIn>[4][number],
  account: Parameters<typeof createMetafieldsIn>[2],
  resource: Parameters<typeof createMetafieldsIn>[3],
): Promise<number> {
  if (total === 0) return 0
  let made = 0
  report({ phase, done: 0, total })
  for (let start = 0; start < total; start += METAFIELDS_PER_BATCH) {
    const items = Array.from({ length: Math.min(METAFIELDS_PER_BATCH, total - start) }, (_, k) => item(start + k))
    const outcome = await db.transaction().execute((trx) => createMetafieldsIn(withoutEvents(trx), now, account, resource, items))
    const [failed] = outcome.failures
    if (failed) throw new StoreAdminError('conflict', `a seeded metafield was refused: ${JSON.stringify(failed)}`)
    made += outcome.data.length
    report({ phase, done: made, total })
  }
  return made
}
