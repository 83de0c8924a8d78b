import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import Fastify, { type FastifyRequest } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validatorCompiler } from '../src/core/validation.js'
import { CustomerList, ListCustomersQuery } from '../src/resources/customers/schemas.js'
import { listCustomers } from '../src/resources/customers/service.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { addChannels } from './helpers/channels.js'
import { AKRON, createAttributes, defineFormFields } from './helpers/subresources.js'

// GET /customers is written from the JSON text each customer's row stores, and its includes from
// text made once per page (src/resources/customers/representation.ts). These tests hold it to the object path it
// replaced: for the same store and query, the served body is byte for byte what Fastify
// serializes from the objects with the route's response schema, and it validates against that
// schema; after every kind of write that changes what a customer shows.

const validList = addFormats.default(new Ajv({ strict: false }), ['date-time']).compile(CustomerList)

/** Text that JSON escapes in every way it can: quotes, backslashes, control characters, non-ASCII, astral. */
const AWKWARD = 'Ōkafor "the\\one" \u0001\u001f\n\t</script> 😀 \u2028'

const QUERIES = [
  'limit=50',
  'limit=2&page=2',
  'limit=2',
  'sort=last_name:desc&limit=3',
  'sort=date_modified:asc',
  'name:like=kaf',
  'company:in=Acme,Globex&limit=1',
  'id:in=1,3,5',
  'date_created:min=2020-01-01',
  'limit=1&after=eyJpZCI6MX0',
  'sort=last_name:desc&limit=2&page=2',
  'company:in=Acme,Globex&limit=1&page=2',
  'date_created:min=2020-01-01&limit=2&page=3',
  'limit=2&page=9',
]

/** Every include alone, addresses with their form fields, all of them, and includes on sorted, filtered and cursor pages. */
const INCLUDE_QUERIES = [
  ...['addresses', 'attributes', 'formfields', 'storecredit', 'shopper_profile_id', 'segment_ids'].map((include) => `include=${include}`),
  'include=addresses,formfields',
  'include=addresses,attributes&limit=50',
  'include=segment_ids,formfields,storecredit,addresses,shopper_profile_id,attributes',
  'include=storecredit,attributes&sort=last_name:desc&limit=3',
  'include=addresses,formfields&limit=2&page=2',
  'include=attributes,storecredit&name:like=kaf',
  'include=addresses&limit=1&after=eyJpZCI6MX0',
]

describe.each(BACKENDS)('%s: GET /customers from stored JSON', (backend) => {
  let t: TestApp
  /** Fastify serializing the object path's result with the route's schema: what GET /customers sent before */
  let objectPath: ReturnType<typeof Fastify>

  beforeAll(async () => {
    t = await buildTestApp(backend)
    // The route's query parsing (validatorCompiler) and response schema, the objects' handler.
    objectPath = Fastify()
    objectPath.setValidatorCompiler(validatorCompiler)
    objectPath.get('/stores/:hash/v3/customers', { schema: { querystring: ListCustomersQuery, response: { 200: CustomerList } } }, async (req: FastifyRequest) => {
      const { hash } = req.params as { hash: string }
      const store = await t.db.selectFrom('stores').select('id').where('hash', '=', hash).executeTakeFirstOrThrow()
      return listCustomers(t.db, store.id, req.query as ListCustomersQuery, req.url)
    })
    await objectPath.ready()
  })
  afterAll(async () => {
    await objectPath.close()
    await t.close()
  })

  async function expectSameBytes(store: TestStore, queries = QUERIES): Promise<void> {
    for (const query of queries) {
      const served = await store.request('GET', `/customers?${query}`)
      expect(served.status, query).toBe(200)
      expect(served.headers['content-type']).toBe('application/json; charset=utf-8')
      const objects = await objectPath.inject({ method: 'GET', url: `/stores/${store.hash}/v3/customers?${query}` })
      expect(objects.statusCode, objects.body).toBe(200)
      expect(served.text, query).toBe(objects.body)
      expect(validList(served.body), `${query}: ${JSON.stringify(validList.errors)}`).toBe(true)
    }
  }

  it('serves the bytes the object path serialized, for plain, paged, sorted, filtered and cursor lists', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const created = await store.request('POST', '/customers', [
      newCustomer({ first_name: AWKWARD, last_name: 'Okafor', company: 'Acme', notes: AWKWARD, phone: '+1 (555) 0100' }),
      newCustomer({ company: 'Globex', channel_ids: [1, 2], customer_group_id: 7, accepts_product_review_abandoned_cart_emails: true }),
      newCustomer({ authentication: { force_password_reset: true }, store_credit_amounts: [{ amount: 12.5 }], tax_exempt_category: 'Z' }),
      newCustomer({ addresses: [{ first_name: 'A', last_name: 'B', address1: '1 Main St', city: 'Austin', country_code: 'US', state_or_province: 'Texas', postal_code: '78701' }] }),
      newCustomer({ last_name: 'Zed' }),
    ])
    expect(created.status).toBe(200)
    await expectSameBytes(store)
  })

  it('stays the same bytes after updates, and after address writes change a count', async () => {
    const store = await t.newStore()
    await store.request('POST', '/customers', [newCustomer({ company: 'Acme' }), newCustomer(), newCustomer()])
    const before = await store.request('GET', '/customers')
    t.clock.advance(5)
    const updated = await store.request('PUT', '/customers', [
      { id: 1, first_name: AWKWARD, notes: 'changed', channel_ids: null },
      { id: 2, email: 'Changed.Case@Example.com', authentication: { force_password_reset: true } },
    ])
    expect(updated.status).toBe(200)
    const added = await store.request('POST', '/customers/addresses', [
      { customer_id: 3, first_name: 'A', last_name: 'B', address1: '1 Main St', city: 'Austin', country_code: 'US', state_or_province: 'Texas', postal_code: '78701' },
    ])
    expect(added.status).toBe(200)
    const after = await store.request('GET', '/customers')
    expect(after.body.data.map((c: { address_count: number }) => c.address_count)).toEqual([0, 0, 1])
    expect(after.body.data[0].first_name).toBe(AWKWARD)
    expect(after.body.data[1].email).toBe('Changed.Case@Example.com')
    expect(after.body.data[1].date_modified).not.toBe(before.body.data[1].date_modified)
    // What no write touched is as it was.
    expect(after.body.data[2]).toEqual({ ...before.body.data[2], address_count: 1 })
    await expectSameBytes(store)
    await store.request('DELETE', `/customers/addresses?id:in=${added.body.data[0].id}`)
    expect((await store.request('GET', '/customers')).body.data[2].address_count).toBe(0)
    await expectSameBytes(store)
  })

  it('serves the bytes the object path serialized for every include, awkward text inside what is included', async () => {
    const store = await t.newStore()
    await createAttributes(store, { name: 'Tier', type: 'string' }, { name: 'Shoe Size', type: 'number' })
    await defineFormFields(t, store, { form: 'customer', name: 'Sales Rep', type: 'text' }, { form: 'address', name: 'Delivery notes', type: 'text' })
    const awkwardAddress = { ...AKRON, first_name: AWKWARD, company: AWKWARD, address2: AWKWARD, form_fields: [{ name: 'Delivery notes', value: AWKWARD }] }
    const created = await store.request('POST', '/customers', [
      newCustomer({
        first_name: AWKWARD,
        last_name: 'Okafor',
        store_credit_amounts: [{ amount: 12.5 }, { amount: 0.1 }],
        addresses: [awkwardAddress, { ...AKRON, address1: '2 Main St' }],
        attributes: [{ attribute_id: 1, attribute_value: AWKWARD }, { attribute_id: 2, attribute_value: '42.5' }],
        form_fields: [{ name: 'Sales Rep', value: AWKWARD }],
      }),
      newCustomer({ notes: AWKWARD }),
      newCustomer({ addresses: [{ ...AKRON, address1: '9 Elm St' }], attributes: [{ attribute_id: 1, attribute_value: 'gold' }] }),
      newCustomer({ last_name: 'Zed', form_fields: [{ name: 'Sales Rep', value: 'Q' }], store_credit_amounts: [] }),
    ])
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    const served = await store.request('GET', '/customers?include=addresses,attributes,formfields,storecredit')
    expect(served.body.data[0].addresses[0].form_fields[0].value).toBe(AWKWARD)
    expect(served.body.data[0].attributes[0].attribute_value).toBe(AWKWARD)
    expect(served.body.data[0].form_fields[0].value).toBe(AWKWARD)
    await expectSameBytes(store, INCLUDE_QUERIES)
  })

  it('makes the text from the columns for a row that has none stored (written before the column existed)', async () => {
    const store = await t.newStore()
    await store.request('POST', '/customers', [newCustomer({ company: 'Acme' }), newCustomer({ notes: AWKWARD })])
    const stored = await store.request('GET', '/customers')
    const { id } = await t.db.selectFrom('stores').select('id').where('hash', '=', store.hash).executeTakeFirstOrThrow()
    await t.db.updateTable('customers').set({ api_json: null }).where('store_id', '=', id).where('id', '=', 2).execute()
    const made = await store.request('GET', '/customers')
    expect(made.text).toBe(stored.text)
    await expectSameBytes(store, [...QUERIES, ...INCLUDE_QUERIES])
  })
})
