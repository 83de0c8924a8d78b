import { sql } from 'kysely'
import { describe, expect, it, vi } from 'vitest'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { createAccount } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { throughApp, useProcessDatabase } from './helpers/process.js'

// `clientele seed` as a real process, then what it wrote as the API shows it: every kind of row,
// the counts and totals the write paths keep, the same data for the same --seed, no webhook events.

describe.each(BACKENDS)('%s: clientele seed', (backend: Backend) => {
  const database = useProcessDatabase(backend)
  const { clientele } = database

  async function api(hash: string, token: string, method: string, path: string, body?: unknown) {
    const res = await throughApp(database.connect(), method, `/stores/${hash}/v3${path}`, body, { 'x-auth-token': token })
    return res as unknown as { status: number; body: any }
  }

  async function tokenFor(hash: string): Promise<string> {
    return (await createAccount(database.connect(), { storeHash: hash, scopes: ALL_SCOPES })).access_token
  }

  async function count(table: 'webhook_events' | 'customers' | 'customer_consents' | 'stored_instruments'): Promise<number> {
    const row = await database.connect().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return Number(row.n)
  }

  it('fills a new store with every kind of row, as the API shows them, and emits no events', async () => {
    await database.open()
    const seeded = await clientele(
      'seed', '--store', 'shop', '--customers', '30', '--addresses', '2', '--attributes', '3', '--form-fields', '--customer-metafields', '2',
      '--cart-metafields', '6', '--channels', '1', '--consent', '--instruments', '1', '--seed', '42', '--password', 'seeded-pass-1',
    )
    expect(seeded).toMatchObject({ code: 0, stderr: expect.stringContaining('seed: customers 30/30') })
    expect(seeded.stdout).toMatch(/^seeded store shop \(new\): 30 customers \(ids 1-30\) in [\d.]+ s \(\d+ customers\/s\)\n/)
    expect(seeded.stdout).toContain('with 60 addresses, 90 attribute values, 90 form field values, 60 customer metafields, 6 cart metafields, 30 consents, 30 stored instruments\n')
    expect(seeded.stdout).toContain('customers spread over channels 1, 2\n')
    expect(seeded.stdout).toMatch(/seed 42 \(--seed 42 makes the same data again\)\n$/)
    const token = await tokenFor('shop')

    const list = await api('shop', token, 'GET', '/customers?limit=50&include=addresses,attributes,formfields')
    expect(list.status).toBe(200)
    expect(list.body.meta.pagination).toMatchObject({ total: 30, count: 30 })
    const customers = list.body.data
    expect(customers.map((c: { id: number }) => c.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    for (const customer of customers) {
      expect(customer.email).toMatch(/^[a-z]+\.[a-z]+\d+@[a-z0-9.-]+$/)
      expect(customer.first_name).not.toBe('')
      expect([1, 2]).toContain(customer.origin_channel_id)
      expect(customer).toMatchObject({ address_count: 2, attribute_count: 3 })
      expect(customer.addresses).toHaveLength(2)
      for (const address of customer.addresses) {
        expect(address).toMatchObject({ customer_id: customer.id, country_code: 'US', first_name: customer.first_name, last_name: customer.last_name })
        expect(address.state_or_province).not.toBe('')
        expect(address.form_fields).toEqual([{ address_id: address.id, name: 'Delivery instructions', value: expect.any(String) }])
      }
      expect(customer.attributes.map((a: { attribute_id: number }) => a.attribute_id)).toEqual([1, 2, 3])
      expect(customer.form_fields).toEqual([{ customer_id: customer.id, name: 'How did you hear about us?', value: expect.any(String) }])
    }
    // The lists served from the write path's stored texts agree with the objects.
    const plain = await api('shop', token, 'GET', '/customers?limit=50')
    expect(plain.body.data).toEqual(customers.map(({ addresses: _a, attributes: _b, form_fields: _c, ...rest }: Record<string, unknown>) => rest))

    const attributes = await api('shop', token, 'GET', '/customers/attributes')
    expect(attributes.body.data.map((a: { name: string; type: string }) => [a.name, a.type])).toEqual([['Loyalty tier', 'string'], ['Lifetime value', 'number'], ['Birthday', 'date']])
    expect((await api('shop', token, 'GET', '/customers/attribute-values?limit=250')).body.meta.pagination.total).toBe(90)
    expect((await api('shop', token, 'GET', '/customers/addresses?limit=250')).body.meta.pagination.total).toBe(60)
    expect((await api('shop', token, 'GET', '/customers/form-field-values?limit=250')).body.meta.pagination.total).toBe(90)

    const metafields = await api('shop', token, 'GET', '/customers/metafields?limit=250')
    expect(metafields.body.meta.pagination.total).toBe(60)
    expect(metafields.body.data[0]).toMatchObject({ resource_type: 'customer', resource_id: 1, namespace: 'app', key: 'external_id', permission_set: 'read', owner_client_id: 'clientele-seed' })
    const carts = await database.connect().selectFrom('metafields').select(['resource_id', 'key']).where('resource_type', '=', 'cart').orderBy('id').execute()
    expect(carts).toHaveLength(6)
    expect(new Set(carts.map((c) => c.resource_id)).size).toBe(3)
    const cart = await api('shop', token, 'GET', `/carts/${carts[0]!.resource_id}/metafields`)
    expect(cart.body.data.map((m: { key: string }) => m.key)).toEqual(['gift_message', 'delivery_slot'])

    const consent = await api('shop', token, 'GET', '/customers/1/consent')
    expect(consent.status).toBe(200)
    expect(consent.body.allow).toContain('essential')
    expect([...consent.body.allow, ...consent.body.deny].sort()).toEqual(['analytics', 'essential', 'functional', 'targeting'])
    const instruments = await api('shop', token, 'GET', '/customers/1/stored-instruments')
    expect(instruments.body).toHaveLength(1)
    expect(instruments.body[0]).toMatchObject({ is_default: true, token: expect.stringMatching(/^[0-9a-f]{64}$/) })

    const login = await api('shop', token, 'POST', '/customers/validate-credentials', { email: customers[4].email, password: 'seeded-pass-1', channel_id: customers[4].origin_channel_id })
    expect(login.body).toEqual({ customer_id: 5, is_valid: true })
    const wrong = await api('shop', token, 'POST', '/customers/validate-credentials', { email: customers[4].email, password: 'another-pass-2', channel_id: customers[4].origin_channel_id })
    expect(wrong.body).toEqual({ customer_id: null, is_valid: false })

    expect(await count('webhook_events')).toBe(0)
    if (backend === 'postgres') {
      // The seed keeps the planner's statistics up with what it wrote (nothing else here runs ANALYZE).
      await vi.waitFor(async () => {
        const { rows } = await sql<{ relname: string }>`select relname from pg_stat_user_tables
          where schemaname = ${database.schema} and last_analyze is not null order by relname`.execute(database.connect())
        expect(rows.map((row) => row.relname)).toEqual(expect.arrayContaining(['customer_addresses', 'customers', 'stored_instruments']))
      }, { timeout: 5_000, interval: 100 })
    }
  })

  it('makes the same data for the same seed, goes on after the ids a store has, and counts right', async () => {
    await database.open()
    expect(await clientele('seed', '--store', 'one', '--customers', '25', '--seed', '7', '--locale', 'de')).toMatchObject({ code: 0 })
    expect(await clientele('seed', '--store', 'two', '--customers', '25', '--seed', '7', '--locale', 'de')).toMatchObject({ code: 0 })
    const [one, two] = [await tokenFor('one'), await tokenFor('two')]
    const people = async (hash: string, token: string) => {
      const res = await api(hash, token, 'GET', '/customers?limit=250&include=addresses')
      return res.body.data.map((c: any) => ({
        email: c.email, name: [c.first_name, c.last_name, c.company, c.phone],
        addresses: c.addresses.map((a: any) => [a.address1, a.city, a.state_or_province, a.postal_code, a.country_code]),
      }))
    }
    const first = await people('one', one)
    expect(first).toHaveLength(25)
    expect(first.every((p: { addresses: string[][] }) => p.addresses[0]![4] === 'DE')).toBe(true)
    expect(await people('two', two)).toEqual(first)

    // A second seed of the same store numbers its emails after the ids it already has: no clash.
    const again = await clientele('seed', '--store', 'one', '--customers', '25', '--seed', '7', '--locale', 'de')
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/^seeded store one: 25 customers \(ids 26-50\)/) })
    const list = await api('one', one, 'GET', '/customers?limit=250')
    expect(list.body.meta.pagination.total).toBe(50)
    expect(new Set(list.body.data.map((c: { email: string }) => c.email.toLowerCase())).size).toBe(50)
    const created = await api('one', one, 'POST', '/customers', [{ email: 'new@example.com', first_name: 'New', last_name: 'Customer' }])
    expect(created.body.data[0].id).toBe(51)
    // The API's own write makes its event; the seeds made none.
    expect(await count('webhook_events')).toBe(1)
  })

  it('refuses bad flags with one line, a non-zero exit, and nothing written', async () => {
    await database.open()
    const cases: [string[], string][] = [
      [['--store', 'shop', '--customers', 'many'], "error: option '--customers <n>' argument 'many' is invalid. --customers must be a whole number from 0 to 10000000"],
      [['--store', 'shop', '--customers', '5', '--addresses', '11'], "error: option '--addresses <n>' argument '11' is invalid. --addresses must be a whole number from 0 to 10"],
      [['--store', 'shop', '--customers', '5', '--customer-metafields', '251'], "error: option '--customer-metafields <n>' argument '251' is invalid. --customer-metafields must be a whole number from 0 to 250"],
      [['--store', 'shop', '--customers', '5', '--locale', 'xx'], "error: option '--locale <locale>' argument 'xx' is invalid. Allowed choices are en_US, en_GB, en_CA, en_AU, de, fr, es, it, nl."],
      [['--store', 'shop'], "error: required option '--customers <n>' not specified"],
      [['--customers', '5'], "error: required option '--store <hash>' not specified"],
    ]
    for (const [args, message] of cases) {
      const refused = await clientele('seed', ...args)
      expect(refused).toMatchObject({ code: 1, stdout: '' })
      expect(refused.stderr).toBe(`${message}\n`)
    }
    expect(await database.connect().selectFrom('stores').select('hash').where('hash', '=', 'shop').execute()).toEqual([])
    expect(await count('customers')).toBe(0)

    // A store whose attribute of a seed name has another type: refused before any customer is written.
    expect(await clientele('stores', 'create', 'typed')).toMatchObject({ code: 0 })
    const token = await tokenFor('typed')
    expect((await api('typed', token, 'POST', '/customers/attributes', [{ name: 'Loyalty tier', type: 'number' }])).status).toBe(200)
    const clash = await clientele('seed', '--store', 'typed', '--customers', '5', '--attributes', '1')
    expect(clash).toMatchObject({ code: 2, stdout: '', stderr: 'clientele: the store\'s attribute "Loyalty tier" is of type number, not string: rename it or seed fewer --attributes\n' })
    expect(await count('customers')).toBe(0)
  })
})
