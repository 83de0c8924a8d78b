import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../src/core/scopes.js'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, errorBody, type TestApp } from './helpers/app.js'
import { addChannels } from './helpers/channels.js'

// GET|PUT /customers/settings and /customers/settings/channels/{channel_id} (BEHAVIOUR 3.10,
// DECISIONS 9): wrapped in {data, meta}; a channel shows its own overrides, null where it takes
// the store-wide value; PUT changes only what it sends, and null removes a channel's override.

const INVALID = 'JSON data is missing or invalid'
const NOT_FOUND = errorBody(404, 'The resource at that URL is not found.')
const MISSING_SCOPE = errorBody(403, "You don't have a required scope to access the endpoint")

const DEFAULTS = {
  privacy_settings: { ask_shopper_for_tracking_consent: false, policy_url: '', ask_shopper_for_tracking_consent_on_checkout: false },
  customer_group_settings: { guest_customer_group_id: 0, default_customer_group_id: 0 },
}

const INHERITING = {
  privacy_settings: { ask_shopper_for_tracking_consent: null, policy_url: null, ask_shopper_for_tracking_consent_on_checkout: null },
  customer_group_settings: { guest_customer_group_id: null, default_customer_group_id: null },
}

const FULL = {
  privacy_settings: { ask_shopper_for_tracking_consent: true, policy_url: 'https://shop.example.com/privacy', ask_shopper_for_tracking_consent_on_checkout: true },
  customer_group_settings: { guest_customer_group_id: 3, default_customer_group_id: 4 },
}

describe.each(BACKENDS)('%s: GET|PUT /customers/settings', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it("answers a new store's defaults, wrapped in data, in the observed key order", async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers/settings')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: DEFAULTS, meta: {} })
    expect(Object.keys(res.body.data.privacy_settings)).toEqual(Object.keys(DEFAULTS.privacy_settings))
    expect(Object.keys(res.body.data.customer_group_settings)).toEqual(Object.keys(DEFAULTS.customer_group_settings))
  })

  it('sets every setting and reads them back', async () => {
    const store = await t.newStore()
    const res = await store.request('PUT', '/customers/settings', FULL)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: FULL, meta: {} })
    expect((await store.request('GET', '/customers/settings')).body).toEqual({ data: FULL, meta: {} })
  })

  it('changes only the settings sent', async () => {
    const store = await t.newStore()
    await store.request('PUT', '/customers/settings', FULL)
    const res = await store.request('PUT', '/customers/settings', { privacy_settings: { policy_url: 'https://new.example.com/p' } })
    const expected = { ...FULL, privacy_settings: { ...FULL.privacy_settings, policy_url: 'https://new.example.com/p' } }
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: expected, meta: {} })
    expect((await store.request('GET', '/customers/settings')).body.data).toEqual(expected)
  })

  it('changes nothing for an empty object', async () => {
    const store = await t.newStore()
    const res = await store.request('PUT', '/customers/settings', {})
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: DEFAULTS, meta: {} })
  })

  it.each([
    ['privacy_settings', { ask_shopper_for_tracking_consent: null }, 'privacy_settings.ask_shopper_for_tracking_consent', 'must be true or false'],
    ['privacy_settings', { policy_url: 42 }, 'privacy_settings.policy_url', 'must be a string'],
    ['customer_group_settings', { guest_customer_group_id: -1 }, 'customer_group_settings.guest_customer_group_id', 'must be at least 0'],
    ['customer_group_settings', { default_customer_group_id: '2' }, 'customer_group_settings.default_customer_group_id', 'must be an integer'],
  ])('refuses %s %j and changes nothing', async (group, value, key, message) => {
    const store = await t.newStore()
    const res = await store.request('PUT', '/customers/settings', { [group]: value })
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, INVALID, { [key]: message }))
    expect((await store.request('GET', '/customers/settings')).body.data).toEqual(DEFAULTS)
  })

  it("keeps one store's settings out of another", async () => {
    const [mine, theirs] = [await t.newStore(), await t.newStore()]
    await theirs.request('PUT', '/customers/settings', FULL)
    expect((await mine.request('GET', '/customers/settings')).body.data).toEqual(DEFAULTS)
  })

  it('lets a read-only token read and refuses it a change', async () => {
    const store = await t.newStore()
    const readOnly = await store.tokenWith([SCOPES.customersRead])
    expect((await store.request('GET', '/customers/settings', undefined, { token: readOnly })).status).toBe(200)
    const res = await store.request('PUT', '/customers/settings', FULL, { token: readOnly })
    expect(res.status).toBe(403)
    expect(res.body).toEqual(MISSING_SCOPE)
    expect((await store.request('GET', '/customers/settings')).body.data).toEqual(DEFAULTS)
  })
})

describe.each(BACKENDS)('%s: GET|PUT /customers/settings/channels/{channel_id}', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  it('answers channel 1 of a new store: no overrides, global logins allowed', async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers/settings/channels/1')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: { ...INHERITING, allow_global_logins: true }, meta: {} })
    expect(Object.keys(res.body.data)).toEqual(['privacy_settings', 'customer_group_settings', 'allow_global_logins'])
  })

  it('answers a new channel: no overrides, global logins not allowed', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const res = await store.request('GET', '/customers/settings/channels/2')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: { ...INHERITING, allow_global_logins: false }, meta: {} })
  })

  it("sets a channel's overrides and reads them back, leaving the store-wide settings alone", async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const res = await store.request('PUT', '/customers/settings/channels/2', { ...FULL, allow_global_logins: true })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: { ...FULL, allow_global_logins: true }, meta: {} })
    expect((await store.request('GET', '/customers/settings/channels/2')).body.data).toEqual({ ...FULL, allow_global_logins: true })
    expect((await store.request('GET', '/customers/settings')).body.data).toEqual(DEFAULTS)
    expect((await store.request('GET', '/customers/settings/channels/1')).body.data).toEqual({ ...INHERITING, allow_global_logins: true })
  })

  it('changes only the fields sent', async () => {
    const store = await t.newStore()
    await store.request('PUT', '/customers/settings/channels/1', FULL)
    const res = await store.request('PUT', '/customers/settings/channels/1', { customer_group_settings: { guest_customer_group_id: 9 } })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({
      ...FULL,
      customer_group_settings: { ...FULL.customer_group_settings, guest_customer_group_id: 9 },
      allow_global_logins: true,
    })
  })

  it('removes an override sent as null, and resets allow_global_logins sent as null to the default', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    await store.request('PUT', '/customers/settings/channels/2', { ...FULL, allow_global_logins: true })
    const res = await store.request('PUT', '/customers/settings/channels/2', {
      privacy_settings: { policy_url: null, ask_shopper_for_tracking_consent: null },
      customer_group_settings: { default_customer_group_id: null },
      allow_global_logins: null,
    })
    const expected = {
      privacy_settings: { ask_shopper_for_tracking_consent: null, policy_url: null, ask_shopper_for_tracking_consent_on_checkout: true },
      customer_group_settings: { guest_customer_group_id: 3, default_customer_group_id: null },
      allow_global_logins: false,
    }
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: expected, meta: {} })
    expect((await store.request('GET', '/customers/settings/channels/2')).body.data).toEqual(expected)
  })

  it('turns global logins off on channel 1', async () => {
    const store = await t.newStore()
    const res = await store.request('PUT', '/customers/settings/channels/1', { allow_global_logins: false })
    expect(res.status).toBe(200)
    expect(res.body.data.allow_global_logins).toBe(false)
    expect((await store.request('GET', '/customers/settings/channels/1')).body.data.allow_global_logins).toBe(false)
  })

  it.each([
    ['a channel the store does not have', '/customers/settings/channels/2'],
    ['channel 0', '/customers/settings/channels/0'],
    ['an id beyond any channel', '/customers/settings/channels/99999999999'],
  ])('answers 404 on GET for %s', async (_, path) => {
    const store = await t.newStore()
    const res = await store.request('GET', path)
    expect(res.status).toBe(404)
    expect(res.body).toEqual(NOT_FOUND)
  })

  it('answers 404 on PUT for a channel the store does not have, and writes nothing', async () => {
    const store = await t.newStore()
    const res = await store.request('PUT', '/customers/settings/channels/2', { allow_global_logins: true })
    expect(res.status).toBe(404)
    expect(res.body).toEqual(NOT_FOUND)
    await addChannels(t.db, store, [2])
    expect((await store.request('GET', '/customers/settings/channels/2')).body.data.allow_global_logins).toBe(false)
  })

  it("answers 404 for another store's channel", async () => {
    const [mine, theirs] = [await t.newStore(), await t.newStore()]
    await addChannels(t.db, theirs, [2])
    const res = await mine.request('GET', '/customers/settings/channels/2')
    expect(res.status).toBe(404)
    expect(res.body).toEqual(NOT_FOUND)
  })

  it('answers 422 to a channel id that is not an integer', async () => {
    const store = await t.newStore()
    const res = await store.request('GET', '/customers/settings/channels/main')
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, INVALID, { channel_id: 'must be an integer' }))
  })

  it('answers 422 to allow_global_logins that is not true, false or null', async () => {
    const store = await t.newStore()
    const res = await store.request('PUT', '/customers/settings/channels/1', { allow_global_logins: 'yes' })
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, INVALID, { allow_global_logins: 'must be true or false or null' }))
  })
})
