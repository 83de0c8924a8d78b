import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPassword } from '../src/core/passwords.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, type TestApp, type TestStore } from './helpers/app.js'
import { addChannels } from './helpers/channels.js'

// Whatever valid customer a client posts, within every limit of the create schema, is stored
// as sent and reads back the same: unicode text up to its length limit (counted in code points,
// as the schema and PostgreSQL count), integers up to the 32-bit column range, optional fields
// present or absent (absent ones take the observed defaults, BEHAVIOUR.md 3.1). Channels are
// those of the store: 1, 2 and the largest id a channel can have.

const CREATED_AT = '2024-05-01T10:00:00Z'
const MAX_INTEGER = 2 ** 31 - 1
const RUNS = 50
const CHANNELS = [1, 2, MAX_INTEGER]
/** Some customers carry a password, hashed and then verified with scrypt, which is slow by design. */
const TIMEOUT_MS = 120_000

/** Text of `min`-`max` code points; now and then exactly `max`, the edge most likely to break. */
function text(min: number, max: number): fc.Arbitrary<string> {
  const cut = (s: string) => [...s].slice(0, max).join('')
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: max }).map(cut) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: max, maxLength: max }).map(cut) },
  )
}

const email = fc
  .tuple(fc.emailAddress(), fc.constantFrom('as is', 'upper', 'capitalised'))
  .map(([address, spelling]) =>
    spelling === 'upper' ? address.toUpperCase() : spelling === 'capitalised' ? address[0]!.toUpperCase() + address.slice(1) : address,
  )
  .filter((address) => address.length <= 255)

/** At least 7 characters with a letter and a digit (DECISIONS 8), the rest any text. */
const password = fc
  .tuple(fc.constantFrom(...'aZqM'), fc.constantFrom(...'0179'), fc.string({ unit: 'grapheme', minLength: 5, maxLength: 40 }))
  .map(([letter, digit, rest]) => `${letter}${rest}${digit}`)

const amount = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100),
  fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }),
)

const customerInput = fc.record(
  {
    email,
    first_name: text(1, 100),
    last_name: text(1, 100),
    company: text(0, 255),
    phone: text(0, 50),
    notes: fc.string({ unit: 'grapheme', maxLength: 2000 }),
    tax_exempt_category: text(0, 255),
    customer_group_id: fc.integer({ min: 0, max: MAX_INTEGER }),
    accepts_product_review_abandoned_cart_emails: fc.boolean(),
    store_credit_amounts: fc.array(fc.record({ amount }), { maxLength: 3 }),
    origin_channel_id: fc.constantFrom(...CHANNELS),
    channel_ids: fc.option(fc.uniqueArray(fc.constantFrom(...CHANNELS), { minLength: 1, maxLength: CHANNELS.length })),
    authentication: fc.record({ force_password_reset: fc.boolean(), new_password: password }, { requiredKeys: [] }),
    trigger_account_created_notification: fc.boolean(),
    addresses: fc.constant([]),
    attributes: fc.constant([]),
    form_fields: fc.constant([]),
  },
  { requiredKeys: ['email', 'first_name', 'last_name'] },
)

/** 1-3 customers whose emails differ in more than case (the store would refuse the batch). */
const batch = fc.uniqueArray(customerInput, { minLength: 1, maxLength: 3, selector: (c) => c.email.toLowerCase() })

type CustomerInput = typeof customerInput extends fc.Arbitrary<infer T> ? T : never

/** What the API returns for a posted customer: what was sent (as JSON carries it), else the default. */
function expectedCustomer(id: number, input: CustomerInput) {
  const sent = JSON.parse(JSON.stringify(input)) as CustomerInput
  return {
    id,
    authentication: { force_password_reset: sent.authentication?.force_password_reset ?? false },
    company: sent.company ?? '',
    customer_group_id: sent.customer_group_id ?? 0,
    email: sent.email,
    first_name: sent.first_name,
    last_name: sent.last_name,
    notes: sent.notes ?? '',
    phone: sent.phone ?? '',
    registration_ip_address: '',
    tax_exempt_category: sent.tax_exempt_category ?? '',
    date_created: CREATED_AT,
    date_modified: CREATED_AT,
    accepts_product_review_abandoned_cart_emails: sent.accepts_product_review_abandoned_cart_emails ?? false,
    store_credit_amounts: sent.store_credit_amounts ?? [{ amount: 0 }],
    origin_channel_id: sent.origin_channel_id ?? 1,
    // Omitted: global when the origin channel allows global logins (only channel 1 does by default).
    channel_ids: sent.channel_ids !== undefined ? sent.channel_ids : (sent.origin_channel_id ?? 1) === 1 ? null : [sent.origin_channel_id],
    address_count: 0,
    attribute_count: 0,
  }
}

describe.each(BACKENDS)('%s: POST /customers with generated customers', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
    t.clock.set(CREATED_AT)
  })
  afterAll(() => t.close())

  async function passwordHashOf(store: TestStore, id: number): Promise<string | null> {
    const row = await t.db
      .selectFrom('customers')
      .innerJoin('stores', 'stores.id', 'customers.store_id')
      .select('customers.password_hash')
      .where('stores.hash', '=', store.hash)
      .where('customers.id', '=', id)
      .executeTakeFirstOrThrow()
    return row.password_hash
  }

  it('reads back every valid customer exactly as posted', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (inputs) => {
        const store = await t.newStore()
        await addChannels(t.db, store, CHANNELS.slice(1))
        const expected = inputs.map((input, i) => expectedCustomer(i + 1, input))
        const res = await store.request('POST', '/customers', inputs)
        expect(res.status).toBe(200)
        expect(res.body).toEqual({ data: expected, meta: {} })

        for (const [i, input] of inputs.entries()) {
          const id = i + 1
          const read = await store.request('GET', `/customers?id:in=${id}&include=storecredit`)
          expect(read.status).toBe(200)
          expect(read.body.data).toEqual([expected[i]])

          const newPassword = input.authentication?.new_password
          const hash = await passwordHashOf(store, id)
          if (newPassword === undefined) {
            expect(hash).toBeNull()
          } else {
            expect(hash).toMatch(/^scrypt\$/)
            expect(await verifyPassword(newPassword, hash!)).toBe(true)
            expect(res.text).not.toContain(JSON.stringify(newPassword).slice(1, -1))
          }
        }
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT_MS)
})
