import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateToLatest, migrator } from '../src/db/migrate.js'
import { createStore } from '../src/stores/service.js'
import { BACKENDS } from './helpers/backends.js'
import { admin } from './helpers/admin.js'
import { buildTestApp, errorBody, newCustomer, type TestApp, type TestStore } from './helpers/app.js'
import { addChannels } from './helpers/channels.js'
import { useProcessDatabase } from './helpers/process.js'

// Channels: channel 1 in every store, the admin API and CLI that add more, and what customers may
// name in channel_ids and origin_channel_id (BEHAVIOUR 3.2, 3.10).

const NOW = '2026-01-02T03:04:05Z'
const CREATE_FAILED = 'Create customers failed.'
const UPDATE_FAILED = 'Update customers failed.'

describe.each(BACKENDS)('%s: channels in the admin API', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
    t.clock.set(NOW)
  })
  afterAll(() => t.close())

  async function channelsOf(store: TestStore): Promise<unknown[]> {
    const res = await admin(t, 'GET', `/stores/${store.hash}/channels`)
    expect(res.status).toBe(200)
    return res.body.data
  }

  it('gives a store created through the admin API channel 1, named after the store', async () => {
    const hash = `c${randomUUID().replace(/-/g, '').slice(0, 12)}`
    expect((await admin(t, 'POST', '/stores', { hash, name: 'Main Street Shop' })).status).toBe(200)
    const res = await admin(t, 'GET', `/stores/${hash}/channels`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: [{ id: 1, name: 'Main Street Shop', date_created: NOW }] })
  })

  it('adds a channel with the id given and lists the channels in id order', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'POST', `/stores/${store.hash}/channels`, { id: 7, name: 'Wholesale' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: { id: 7, name: 'Wholesale', date_created: NOW } })
    expect(await channelsOf(store)).toEqual([
      { id: 1, name: store.hash, date_created: expect.any(String) },
      { id: 7, name: 'Wholesale', date_created: NOW },
    ])
  })

  it('gives a channel without an id the next one after the highest', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [4])
    const res = await admin(t, 'POST', `/stores/${store.hash}/channels`, { name: 'Outlet' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: { id: 5, name: 'Outlet', date_created: NOW } })
  })

  it('answers 409 to an id the store already has, and keeps the channel', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'POST', `/stores/${store.hash}/channels`, { id: 1, name: 'Again' })
    expect(res.status).toBe(409)
    expect(res.body).toEqual(errorBody(409, `channel 1 already exists in store "${store.hash}"`))
    expect(await channelsOf(store)).toEqual([{ id: 1, name: store.hash, date_created: expect.any(String) }])
  })

  it('answers 422 to a channel without a name', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'POST', `/stores/${store.hash}/channels`, { id: 2 })
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, 'JSON data is missing or invalid', { name: 'is required' }))
  })

  it('answers 404 for a store that does not exist', async () => {
    const res = await admin(t, 'POST', '/stores/nosuchstore/channels', { name: 'Nowhere' })
    expect(res.status).toBe(404)
    expect(res.body).toEqual(errorBody(404, 'no store "nosuchstore"'))
  })

  it('renames a channel', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const res = await admin(t, 'PUT', `/stores/${store.hash}/channels/2`, { name: 'Renamed' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: { id: 2, name: 'Renamed', date_created: expect.any(String) } })
    expect((await channelsOf(store))[1]).toMatchObject({ id: 2, name: 'Renamed' })
  })

  it('answers 404 to renaming a channel the store does not have', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'PUT', `/stores/${store.hash}/channels/9`, { name: 'Ghost' })
    expect(res.status).toBe(404)
    expect(res.body).toEqual(errorBody(404, `no channel 9 in store "${store.hash}"`))
  })

  it('deletes a channel no customer uses, with its customer settings', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    expect((await store.request('PUT', '/customers/settings/channels/2', { allow_global_logins: true })).status).toBe(200)
    const res = await admin(t, 'DELETE', `/stores/${store.hash}/channels/2`)
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expect(await channelsOf(store)).toEqual([{ id: 1, name: store.hash, date_created: expect.any(String) }])
    expect((await store.request('GET', '/customers/settings/channels/2')).status).toBe(404)
    // A channel added again under that id starts from the defaults.
    await addChannels(t.db, store, [2])
    expect((await store.request('GET', '/customers/settings/channels/2')).body.data.allow_global_logins).toBe(false)
  })

  it('refuses to delete channel 1', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'DELETE', `/stores/${store.hash}/channels/1`)
    expect(res.status).toBe(409)
    expect(res.body).toEqual(errorBody(409, 'channel 1 is the default channel of every store and cannot be deleted'))
  })

  it.each([
    ['lists it in channel_ids', { channel_ids: [3, 2] }],
    ['was created on it', { origin_channel_id: 2, channel_ids: [3] }],
  ])('refuses to delete a channel while a customer %s', async (_, fields) => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2, 3, 12, 20])
    expect((await store.request('POST', '/customers', [newCustomer(fields)])).status).toBe(200)
    const res = await admin(t, 'DELETE', `/stores/${store.hash}/channels/2`)
    expect(res.status).toBe(409)
    expect(res.body).toEqual(errorBody(409, 'channel 2 is used by 1 customer(s) (origin_channel_id or channel_ids); change them first'))
    // Ids that merely contain the digits of a used one are free to go.
    expect((await admin(t, 'DELETE', `/stores/${store.hash}/channels/12`)).status).toBe(204)
    expect((await admin(t, 'DELETE', `/stores/${store.hash}/channels/20`)).status).toBe(204)
  })

  it('answers 404 to deleting a channel the store does not have', async () => {
    const store = await t.newStore()
    const res = await admin(t, 'DELETE', `/stores/${store.hash}/channels/9`)
    expect(res.status).toBe(404)
    expect(res.body).toEqual(errorBody(404, `no channel 9 in store "${store.hash}"`))
  })

  it('keeps the channels on a store reset and forgets their customer settings', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    expect((await store.request('PUT', '/customers/settings/channels/2', { allow_global_logins: true })).status).toBe(200)
    expect((await admin(t, 'POST', `/stores/${store.hash}/reset`)).status).toBe(204)
    expect((await channelsOf(store)).map((c) => (c as { id: number }).id)).toEqual([1, 2])
    expect((await store.request('GET', '/customers/settings/channels/2')).body.data.allow_global_logins).toBe(false)
  })
})

describe.each(BACKENDS)('%s: channels of customers', (backend) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(backend)
  })
  afterAll(() => t.close())

  async function customersOf(store: TestStore): Promise<unknown[]> {
    const res = await store.request('GET', '/customers')
    expect(res.status).toBe(200)
    return res.body.data
  }

  it('creates customers naming channels the store has', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const res = await store.request('POST', '/customers', [newCustomer({ origin_channel_id: 2, channel_ids: [1, 2] })])
    expect(res.status).toBe(200)
    expect(res.body.data[0]).toMatchObject({ origin_channel_id: 2, channel_ids: [1, 2] })
  })

  it('refuses channel_ids naming a channel the store does not have, and creates nothing', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const res = await store.request('POST', '/customers', [newCustomer({ channel_ids: [2, 9] })])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, CREATE_FAILED, { '0.channel_ids': 'channel 9 does not exist' }))
    expect(await customersOf(store)).toEqual([])
  })

  it('refuses an origin_channel_id the store does not have, and creates nothing', async () => {
    const store = await t.newStore()
    const res = await store.request('POST', '/customers', [newCustomer({ origin_channel_id: 3 })])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, CREATE_FAILED, { '0.origin_channel_id': 'channel 3 does not exist' }))
    expect(await customersOf(store)).toEqual([])
  })

  it('refuses the whole batch when its second customer names an unknown channel', async () => {
    const store = await t.newStore()
    const res = await store.request('POST', '/customers', [newCustomer({ channel_ids: [1] }), newCustomer({ channel_ids: [4] })])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, CREATE_FAILED, { '1.channel_ids': 'channel 4 does not exist' }))
    expect(await customersOf(store)).toEqual([])
  })

  it("does not count another store's channels", async () => {
    const [mine, theirs] = [await t.newStore(), await t.newStore()]
    await addChannels(t.db, theirs, [2])
    const res = await mine.request('POST', '/customers', [newCustomer({ channel_ids: [2] })])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, CREATE_FAILED, { '0.channel_ids': 'channel 2 does not exist' }))
  })

  it('gives a customer created without channel_ids on a channel without global logins that channel alone', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const res = await store.request('POST', '/customers', [newCustomer({ origin_channel_id: 2 })])
    expect(res.status).toBe(200)
    expect(res.body.data[0]).toMatchObject({ origin_channel_id: 2, channel_ids: [2] })
  })

  it('gives global access to a customer created without channel_ids on a channel allowing global logins', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    expect((await store.request('PUT', '/customers/settings/channels/2', { allow_global_logins: true })).status).toBe(200)
    const res = await store.request('POST', '/customers', [newCustomer({ origin_channel_id: 2 })])
    expect(res.status).toBe(200)
    expect(res.body.data[0]).toMatchObject({ origin_channel_id: 2, channel_ids: null })
  })

  it('keeps channel_ids null when it is sent as null, whatever the origin channel allows', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2])
    const res = await store.request('POST', '/customers', [newCustomer({ origin_channel_id: 2, channel_ids: null })])
    expect(res.status).toBe(200)
    expect(res.body.data[0]).toMatchObject({ origin_channel_id: 2, channel_ids: null })
  })

  it('refuses an update naming an unknown channel and changes nothing', async () => {
    const store = await t.newStore()
    const created = await store.request('POST', '/customers', [newCustomer({ channel_ids: [1] })])
    const before = await customersOf(store)
    const res = await store.request('PUT', '/customers', [{ id: created.body.data[0].id, channel_ids: [1, 5] }])
    expect(res.status).toBe(422)
    expect(res.body).toEqual(errorBody(422, UPDATE_FAILED, { '0.channel_ids': 'channel 5 does not exist' }))
    expect(await customersOf(store)).toEqual(before)
  })

  it('updates channel_ids to channels the store has', async () => {
    const store = await t.newStore()
    await addChannels(t.db, store, [2, 3])
    const created = await store.request('POST', '/customers', [newCustomer()])
    const res = await store.request('PUT', '/customers', [{ id: created.body.data[0].id, channel_ids: [3, 2] }])
    expect(res.status).toBe(200)
    expect(res.body.data[0].channel_ids).toEqual([3, 2])
  })
})

describe.each(BACKENDS)('%s: the channels migration', (backend) => {
  const database = useProcessDatabase(backend)

  it('gives channel 1 to every store that existed before channels', async () => {
    const db = database.connect()
    const migrations = migrator(db, database.schema)
    const { error } = await migrations.migrateTo('2026_11_23_0004_customer_subresources')
    expect(error).toBeUndefined()
    await db.insertInto('stores').values([
      { hash: 'old-a', name: 'Old A', date_created: '2025-01-01T00:00:00Z' },
      { hash: 'old-b', name: 'Old B', date_created: '2025-02-01T00:00:00Z' },
    ]).execute()

    await migrateToLatest(db, database.schema)
    const channels = await db
      .selectFrom('channels')
      .innerJoin('stores', 'stores.id', 'channels.store_id')
      .select(['stores.hash', 'channels.id', 'channels.name', 'channels.date_created'])
      .orderBy('stores.hash')
      .execute()
    expect(channels).toEqual([
      { hash: 'old-a', id: 1, name: 'Old A', date_created: '2025-01-01T00:00:00Z' },
      { hash: 'old-b', id: 1, name: 'Old B', date_created: '2025-02-01T00:00:00Z' },
    ])
  })
})

describe.each(BACKENDS)('%s: clientele channels', (backend) => {
  const database = useProcessDatabase(backend)
  const { clientele } = database

  it('creates, lists, renames and deletes channels', async () => {
    await createStore(await database.open(), 'shop-a')

    expect(await clientele('channels', 'create', '--store', 'shop-a', '--name', 'Wholesale', '--id', '3')).toMatchObject({
      code: 0,
      stdout: 'created channel 3: Wholesale\n',
    })
    const next = await clientele('channels', 'create', '--store', 'shop-a', '--name', 'Outlet', '--json')
    expect(next.code).toBe(0)
    expect(JSON.parse(next.stdout)).toEqual({ id: 4, name: 'Outlet', date_created: expect.stringMatching(/Z$/) })

    expect(await clientele('channels', 'rename', '3', 'Trade', '--store', 'shop-a')).toMatchObject({ code: 0, stdout: 'renamed channel 3: Trade\n' })
    expect(await clientele('channels', 'delete', '4', '--store', 'shop-a')).toMatchObject({ code: 0, stdout: 'deleted channel 4\n' })

    const list = await clientele('channels', 'list', '--store', 'shop-a')
    expect(list.code).toBe(0)
    expect(list.stdout.trimEnd().split('\n').map((line) => line.split('\t').slice(0, 2))).toEqual([
      ['id', 'name'],
      ['1', 'shop-a'],
      ['3', 'Trade'],
    ])
  })

  it('refuses to delete channel 1 with exit code 2', async () => {
    await createStore(await database.open(), 'shop-a')
    expect(await clientele('channels', 'delete', '1', '--store', 'shop-a')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'clientele: channel 1 is the default channel of every store and cannot be deleted\n',
    })
  })
})
