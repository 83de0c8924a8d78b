import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_SCOPES } from '../src/core/scopes.js'
import type { Database } from '../src/db/schema.js'
import { FORM_FIELD_PROBLEMS } from '../src/resources/form-field-values/writes.js'
import { createAccount, createStore } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { buildTestApp, errorBody, newCustomer, send, type TestApp } from './helpers/app.js'
import { throughApp, useProcessDatabase } from './helpers/process.js'
import { admin } from './helpers/admin.js'
import { createCustomers } from './helpers/customers.js'
import { defineFormFields, formFieldValuesOf } from './helpers/subresources.js'

// Form field definitions: BigCommerce keeps them in its control panel; Clientele manages them
// through the admin API (/admin/stores/{hash}/form-fields) and `clientele form-fields ...`.

const NOW = '2026-01-02T03:04:05Z'

describe.each(BACKENDS)('%s: form field definitions over the admin API', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
    t.clock.set(NOW)
  })
  afterAll(() => t.close())

  it('creates fields of both forms and lists them in creation order', async () => {
    const store = await t.newStore()
    const a = await admin(t, 'POST', `/stores/${store.hash}/form-fields`, { form: 'customer', name: 'Heard from', type: 'picklist', options: ['Friend', 'Other'], required: true })
    expect(a.status).toBe(200)
    const heard = { id: 1, form: 'customer', name: 'Heard from', type: 'picklist', options: ['Friend', 'Other'], required: true, date_created: NOW }
    expect(a.body).toEqual({ data: heard })
    const b = await admin(t, 'POST', `/stores/${store.hash}/form-fields`, { form: 'address', name: 'Delivery notes', type: 'multiline' })
    const notes = { id: 2, form: 'address', name: 'Delivery notes', type: 'multiline', options: null, required: false, date_created: NOW }
    expect(b.body).toEqual({ data: notes })
    const list = await admin(t, 'GET', `/stores/${store.hash}/form-fields`)
    expect(list.status).toBe(200)
    expect(list.body).toEqual({ data: [heard, notes] })
  })

  it('lets the customer form and the address form each have a field of one name', async () => {
    const store = await t.newStore()
    expect(await defineFormFields(t, store, { form: 'customer', name: 'Notes', type: 'text' }, { form: 'address', name: 'Notes', type: 'text' })).toEqual([1, 2])
  })

  it.each([
    ['a name its form already has', { form: 'customer', name: 'Notes', type: 'text' }, 409, 'the customer form of store "%s" already has a field named "Notes"'],
    ['a picklist without options', { form: 'customer', name: 'Pick', type: 'picklist' }, 422, 'a picklist field needs at least one option'],
    ['options on a text field', { form: 'customer', name: 'T', type: 'text', options: ['a'] }, 422, 'a text field takes no options (only checkboxes, picklist, radiobuttons do)'],
    ['one option twice', { form: 'customer', name: 'C', type: 'checkboxes', options: ['a', 'a'] }, 422, 'options must differ from each other'],
  ])('refuses %s', async (_, body, status, title) => {
    const store = await t.newStore()
    await defineFormFields(t, store, { form: 'customer', name: 'Notes', type: 'text' })
    const res = await admin(t, 'POST', `/stores/${store.hash}/form-fields`, body)
    expect(res.status).toBe(status)
    expect(res.body).toEqual(errorBody(status, title.replace('%s', store.hash)))
  })

  it.each([
    [{ form: 'order', name: 'x', type: 'text' }, 'form', 'must be one of: customer, address'],
    [{ form: 'customer', name: 'x', type: 'email' }, 'type', 'must be one of: checkboxes, date, multiline, numbers, password, radiobuttons, text, picklist'],
    [{ form: 'customer', name: '', type: 'text' }, 'name', 'must not be empty'],
  ])('refuses the body %j by its schema', async (body, key, message) => {
    const store = await t.newStore()
    const res = await admin(t, 'POST', `/stores/${store.hash}/form-fields`, body)
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { [key]: message }))
  })

  it('deletes a field with every value of it (204), and 404s an unknown one', async () => {
    const store = await t.newStore()
    const [rep, floor] = await defineFormFields(t, store, { form: 'customer', name: 'Sales Rep', type: 'text' }, { form: 'customer', name: 'Floor', type: 'numbers' })
    const [customer] = await createCustomers(store)
    await store.request('PUT', '/customers/form-field-values', [{ customer_id: customer, name: 'Sales Rep', value: 'Q' }, { customer_id: customer, name: 'Floor', value: 2 }])
    const res = await admin(t, 'DELETE', `/stores/${store.hash}/form-fields/${rep}`)
    expect(res.status).toBe(204)
    expect(await formFieldValuesOf(store)).toEqual([{ customer_id: customer, name: 'Floor', value: 2 }])
    expect((await admin(t, 'GET', `/stores/${store.hash}/form-fields`)).body.data.map((f: { id: number }) => f.id)).toEqual([floor])
    const again = await admin(t, 'DELETE', `/stores/${store.hash}/form-fields/${rep}`)
    expect(again.status).toBe(404)
    expect(again.body).toEqual(errorBody(404, `store "${store.hash}" has no form field ${rep}`))
  })

  it('answers 404 for an unknown store and 401 without the admin token', async () => {
    const missing = await admin(t, 'GET', '/stores/no-such-store/form-fields')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual(errorBody(404, 'no store "no-such-store"'))
    const store = await t.newStore()
    const res = await send(t.app, 'POST', `/admin/stores/${store.hash}/form-fields`, { form: 'customer', name: 'x', type: 'text' })
    expect(res.status).toBe(401)
    expect((await admin(t, 'GET', `/stores/${store.hash}/form-fields`)).body).toEqual({ data: [] })
  })

  it("keeps one store's fields from another store's customers", async () => {
    const [a, b] = [await t.newStore(), await t.newStore()]
    await defineFormFields(t, a, { form: 'customer', name: 'Sales Rep', type: 'text' })
    const [customer] = await createCustomers(b)
    const res = await b.request('PUT', '/customers/form-field-values', [{ customer_id: customer, name: 'Sales Rep', value: 'Q' }])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { '0.name': FORM_FIELD_PROBLEMS.unknownField('customer') }))
  })
})

describe.each(BACKENDS)('%s: clientele form-fields', (backend: Backend) => {
  const database = useProcessDatabase(backend)
  const { clientele } = database

  /** The status of creating a customer with these form fields through an app on the same database. */
  async function createStatus(db: Kysely<Database>, token: string, formFields: unknown[]): Promise<number> {
    return (await throughApp(db, 'POST', '/stores/shop-a/v3/customers', [newCustomer({ form_fields: formFields })], { 'x-auth-token': token })).status
  }

  it('create, list (text and JSON) and delete a field; the API then takes and requires its values', async () => {
    const db = await database.open()
    await createStore(db, 'shop-a')
    const { access_token: token } = await createAccount(db, { storeHash: 'shop-a', scopes: ALL_SCOPES })

    const created = await clientele(
      'form-fields', 'create', '--store', 'shop-a', '--form', 'customer', '--name', 'Heard from', '--type', 'radiobuttons',
      '--option', 'Friend, colleague', '--option', 'Other', '--required',
    )
    expect(created).toMatchObject({ code: 0, stdout: 'created customer form field 1: Heard from\n', stderr: '' })

    const text = await clientele('form-fields', 'list', '--store', 'shop-a')
    expect(text).toMatchObject({ code: 0, stdout: 'id\tform\ttype\trequired\tname\toptions\n1\tcustomer\tradiobuttons\trequired\tHeard from\tFriend, colleague,Other\n' })
    const json = await clientele('form-fields', 'list', '--store', 'shop-a', '--json')
    expect(JSON.parse(json.stdout)).toEqual([
      { id: 1, form: 'customer', name: 'Heard from', type: 'radiobuttons', options: ['Friend, colleague', 'Other'], required: true, date_created: expect.any(String) },
    ])

    expect(await createStatus(db, token, [])).toBe(422)
    expect(await createStatus(db, token, [{ name: 'Heard from', value: 'Friend, colleague' }])).toBe(200)

    expect(await clientele('form-fields', 'delete', '1', '--store', 'shop-a')).toMatchObject({ code: 0, stdout: 'deleted form field 1\n' })
    expect(await db.selectFrom('form_fields').select('id').execute()).toEqual([])
    expect(await db.selectFrom('form_field_values').select('id').execute()).toEqual([])
  })

  it('refuses a bad definition with exit code 2 and says why', async () => {
    await createStore(await database.open(), 'shop-a')
    const result = await clientele('form-fields', 'create', '--store', 'shop-a', '--form', 'customer', '--name', 'Size', '--type', 'picklist')
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'clientele: a picklist field needs at least one option\n' })
    const missing = await clientele('form-fields', 'delete', '7', '--store', 'shop-a')
    expect(missing).toMatchObject({ code: 2, stderr: 'clientele: store "shop-a" has no form field 7\n' })
  })
})
