import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CloneState } from '../../src/cli/clone/state.js'
import { cloneFileLines, type CloneFileSummary } from '../../src/cli/clone/store-file.js'

// The clone's store file from what a source answered, for the answers a second Clientele does not
// give (test/clone.test.ts covers those): BigCommerce's Channels API, a settings object without
// its {data} wrapper, rows whose parent the source deleted while the clone read it.

const STARTED = '2026-01-02T03:04:05Z'
const CUSTOMER = {
  id: 7, email: 'Jo@Example.com', first_name: 'Jo', last_name: 'March', date_created: '2025-05-01T10:00:00Z', date_modified: '2025-05-02T10:00:00+00:00',
  origin_channel_id: 1, channel_ids: [1, 3],
}

describe('clone: the store file made from what the source showed', () => {
  let dir: string
  let state: CloneState

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clientele-clone-unit-'))
    state = CloneState.open(join(dir, 'state'), { source: 'https://api.example.com/stores/abc', store: 'copy', started: STARTED, resume: false }).state
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  async function rows(localChannels = [] as { id: number; name: string; date_created: string }[]) {
    const summary: CloneFileSummary = { customers: 0, formFields: 0, orphans: 0, customersGone: new Set(), unnamedChannels: [] }
    const lines: string[] = []
    for await (const line of cloneFileLines(state, { started: STARTED, storeHash: 'copy', localChannels }, summary)) lines.push(line)
    const parsed = lines.map((line) => JSON.parse(line))
    return { summary, end: parsed.at(-1), of: (table: string) => parsed.filter((line) => line.table === table).map((line) => line.row) }
  }

  it('names channels from the Channels API when the token may read it, else from the local store, else "Channel <id>"', async () => {
    state.checkpoint('channels', [{ id: 1, name: 'Main', date_created: '2020-01-01T00:00:00Z', status: 'active' }], { done: true }, 1)
    state.checkpoint('customers', [{ ...CUSTOMER, channel_ids: [1, 3, 4] }], { done: true }, 1)
    const { of, summary } = await rows([{ id: 3, name: 'Outlet', date_created: '2024-01-01T00:00:00Z' }])
    expect(of('channels')).toEqual([
      { id: 1, name: 'Main', date_created: '2020-01-01T00:00:00Z' },
      { id: 3, name: 'Outlet', date_created: '2024-01-01T00:00:00Z' },
      { id: 4, name: 'Channel 4', date_created: STARTED },
    ])
    expect(summary.unnamedChannels).toEqual([3, 4])
  })

  it('takes settings bare or wrapped, and keeps only what differs from what an unset setting answers', async () => {
    state.checkpoint('settings', [{ key: 0, status: 200, body: { privacy_settings: { ask_shopper_for_tracking_consent: false, policy_url: 'https://x.example/p', ask_shopper_for_tracking_consent_on_checkout: false }, customer_group_settings: { guest_customer_group_id: 0, default_customer_group_id: 2 } } }], { done: true }, 1)
    state.checkpoint('customers', [{ ...CUSTOMER, channel_ids: [3] }], { done: true }, 1)
    state.checkpoint('channel_settings', [
      { key: 1, status: 200, body: { data: { privacy_settings: { ask_shopper_for_tracking_consent: null, policy_url: null }, customer_group_settings: {}, allow_global_logins: true } } },
      { key: 3, status: 200, body: { data: { privacy_settings: { ask_shopper_for_tracking_consent: true }, customer_group_settings: {}, allow_global_logins: false } } },
    ], { done: true }, 2)
    expect((await rows()).of('customer_settings')).toEqual([
      { channel_id: 0, ask_shopper_for_tracking_consent: null, policy_url: 'https://x.example/p', ask_shopper_for_tracking_consent_on_checkout: null, guest_customer_group_id: null, default_customer_group_id: 2, allow_global_logins: null },
      { channel_id: 3, ask_shopper_for_tracking_consent: 1, policy_url: null, ask_shopper_for_tracking_consent_on_checkout: null, guest_customer_group_id: null, default_customer_group_id: null, allow_global_logins: null },
    ])
  })

  it('leaves out, and counts, rows whose customer the clone did not copy, and each id read twice', async () => {
    const address = { id: 1, customer_id: 7, first_name: 'Jo', last_name: 'March', address1: '1 Main St', city: 'Concord', state_or_province: 'Massachusetts', postal_code: '01742', country_code: 'us' }
    state.checkpoint('customers', [CUSTOMER, CUSTOMER], { done: true }, 2)
    state.checkpoint('addresses', [address, { ...address, id: 2, customer_id: 8 }], { done: true }, 1)
    state.checkpoint('form_field_values', [{ customer_id: 7, name: 'Color', value: 'red' }, { address_id: 2, name: 'Floor', value: 3 }], { done: true }, 1)
    state.checkpoint('form_field_types_radiobuttons', [{ customer_id: 7, name: 'Color', value: 'red' }], { done: true }, 1)
    state.checkpoint('consent', [{ key: 7, status: 404 }], { done: true }, 1)
    state.checkpoint('stored_instruments', [{ key: 7, status: 200, body: [{ type: 'stored_paypal_account', token: 't-1', is_default: true, email: 'jo@example.com' }] }], { done: true }, 1)
    const { of, summary, end } = await rows()
    expect(of('customers').map((row) => [row.id, row.email_key, row.name_key, row.date_modified])).toEqual([[7, 'jo@example.com', 'jo march', '2025-05-02T10:00:00Z']])
    expect(of('customer_addresses').map((row) => [row.id, row.country_code])).toEqual([[1, 'US']])
    expect(of('form_fields')).toEqual([
      { id: 1, form: 'customer', name: 'Color', type: 'radiobuttons', options: '["red"]', required: 0, date_created: STARTED },
      { id: 2, form: 'address', name: 'Floor', type: 'numbers', options: null, required: 0, date_created: STARTED },
    ])
    expect(of('form_field_values')).toEqual([{ id: 1, field_id: 1, customer_id: 7, address_id: null, value: '"red"', date_modified: STARTED }])
    expect(of('stored_instruments')).toEqual([{ customer_id: 7, token: 't-1', type: 'stored_paypal_account', is_default: 1, details: '{"email":"jo@example.com"}', date_created: STARTED }])
    expect(summary).toMatchObject({ customers: 1, orphans: 2, customersGone: new Set([7]) })
    // Channels 1 and 3, two fields, the customer, its address, a value, an instrument.
    expect(end).toEqual({ end: true, rows: 8 })
  })
})
