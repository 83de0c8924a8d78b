import { expect } from 'vitest'
import { freePort, processDatabase, run, start, type Finished, type ProcessDatabase, type RunningProcess } from './process.js'
import { AKRON } from './subresources.js'

// The source store of the clone tests: a real `clientele serve` on a SQLite file of its own,
// filled through its API (the admin API for what BigCommerce's control panel does), on a fixed
// port so that it can be killed and started again where the clone expects it. Its request log
// (LOG_LEVEL=info: one JSON line per request) tells the tests what the clone asked for.

const ADMIN = 'clone-source-admin-token'
export const SOURCE_HASH = 'src'
/** The clone's API account: it owns some metafields, so it has write scopes, though the clone only reads. */
export const CLONE_CLIENT = 'clone-app'
export const CUSTOMERS = 75

export interface LoggedRequest {
  method: string
  url: string
  status: number
}

export class CloneSource {
  /** the clone's --from */
  readonly from: string
  /** tokens of the source's API accounts */
  readonly tokens: Record<string, string> = {}
  private server: RunningProcess | undefined
  /** stdout of the processes before the running one */
  private earlier = ''

  private constructor(
    readonly database: ProcessDatabase,
    readonly port: number,
  ) {
    this.from = `http://127.0.0.1:${port}/stores/${SOURCE_HASH}`
  }

  static async start(): Promise<CloneSource> {
    const source = new CloneSource(await processDatabase('sqlite'), await freePort())
    await source.serve()
    return source
  }

  async serve(): Promise<void> {
    const env = { ...this.database.env, PORT: String(this.port), ADMIN_TOKEN: ADMIN, CLIENTELE_DEV_STORE: 'false', LOG_LEVEL: 'info' }
    this.server = start(['serve'], env)
    await this.server.waitForLine(/^API docs: /)
  }

  /** SIGKILL: no chance to finish what it was doing, as a crash. */
  async kill(): Promise<void> {
    const server = this.server
    if (!server) return
    await server.stop('SIGKILL')
    this.earlier += server.stdout()
    this.server = undefined
  }

  async stop(): Promise<void> {
    await this.kill()
    await this.database.remove()
  }

  /** Every API request the source's processes have logged, in order. */
  requests(): LoggedRequest[] {
    return `${this.earlier}${this.server?.stdout() ?? ''}`
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"msg":"request"'))
      .map((line) => JSON.parse(line) as LoggedRequest)
      .filter((request) => request.url.startsWith(`/stores/${SOURCE_HASH}/`))
  }

  /** `clientele <args>` on the source's database (`export --store src`...). */
  clientele(...args: string[]): Promise<Finished> {
    return run(args, this.database.env)
  }

  async admin(method: string, path: string, body?: unknown): Promise<any> {
    return this.call(method, `/admin${path}`, { authorization: `Bearer ${ADMIN}` }, body)
  }

  /** An API request as the account `client`. */
  async api(client: string, method: string, path: string, body?: unknown): Promise<any> {
    return this.call(method, `/stores/${SOURCE_HASH}/v3${path}`, { 'x-auth-token': this.tokens[client]! }, body)
  }

  private async call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<any> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { ...headers, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300)
    return text === '' ? undefined : JSON.parse(text)
  }

  async account(client: string, scopes: string[]): Promise<void> {
    const { data } = await this.admin('POST', `/stores/${SOURCE_HASH}/tokens`, { client_id: client, scopes })
    this.tokens[client] = data.access_token
  }

  /**
   * A store with a row in every table the API shows, and the cases the API cannot show (a
   * deleted customer, a password, another app's app_only metafields...). 75 customers: the clone
   * then makes about 165 requests, slightly more than one window of 150.
   */
  async fill(): Promise<void> {
    await this.admin('POST', '/stores', { hash: SOURCE_HASH, name: 'Source shop' })
    await this.account('writer', ['store_v2_customers', 'store_cart'])
    await this.account(CLONE_CLIENT, ['store_v2_customers', 'store_cart', 'store_stored_payment_instruments_read_only'])
    await this.account('other-app', ['store_v2_customers', 'store_cart'])
    await this.account('carts-only', ['store_cart_read_only'])
    await this.admin('POST', `/stores/${SOURCE_HASH}/channels`, { id: 2, name: 'Wholesale' })
    for (const field of [
      { form: 'customer', name: 'Sales Rep', type: 'text' },
      { form: 'customer', name: 'Birthday', type: 'date' },
      { form: 'customer', name: 'Interests', type: 'checkboxes', options: ['golf', 'chess', 'tennis'] },
      { form: 'customer', name: 'PIN', type: 'password' },
      { form: 'address', name: 'Floor', type: 'numbers' },
      { form: 'address', name: 'Gate', type: 'picklist', options: ['A', 'B', 'C'] },
    ]) {
      await this.admin('POST', `/stores/${SOURCE_HASH}/form-fields`, field)
    }
    const w = (method: string, path: string, body?: unknown) => this.api('writer', method, path, body)
    await w('PUT', '/customers/settings', { privacy_settings: { ask_shopper_for_tracking_consent: true, policy_url: 'https://shop.example.com/privacy' } })
    await w('PUT', '/customers/settings/channels/2', { customer_group_settings: { default_customer_group_id: 4 }, allow_global_logins: true })
    const attributes = (await w('POST', '/customers/attributes', [{ name: 'Shoe size', type: 'number' }, { name: 'Nickname', type: 'string' }, { name: 'Since', type: 'date' }])).data
    const [shoe, nickname, since] = attributes.map((a: { id: number }) => a.id)

    await w('POST', '/customers', [
      {
        email: 'Ada@Example.com', first_name: 'Ada', last_name: 'Lovelace', company: 'Engines', phone: '555-0100', notes: 'first',
        authentication: { new_password: 'Secret-123' },
        form_fields: [{ name: 'Sales Rep', value: 'Q' }, { name: 'Birthday', value: '1815-12-10' }, { name: 'Interests', value: ['chess'] }, { name: 'PIN', value: '1234' }],
        addresses: [{ ...AKRON, form_fields: [{ name: 'Floor', value: 3 }, { name: 'Gate', value: 'B' }] }, { ...AKRON, address1: '2 Main St', address_type: 'commercial' }],
      },
      {
        email: 'alan@example.com', first_name: 'Alan', last_name: 'Turing', channel_ids: [2], origin_channel_id: 2, store_credit_amounts: [{ amount: 12.5 }],
        accepts_product_review_abandoned_cart_emails: true, authentication: { force_password_reset: true },
      },
      { email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper', channel_ids: [1, 2], customer_group_id: 3, tax_exempt_category: 'A' },
    ])
    for (let first = 4; first <= CUSTOMERS + 1; first += 10) {
      const batch = []
      for (let id = first; id < first + 10 && id <= CUSTOMERS + 1; id++) batch.push({ email: `c${id}@example.com`, first_name: 'Customer', last_name: `No ${id}` })
      await w('POST', '/customers', batch)
    }
    await w('POST', '/customers/addresses', [{ ...AKRON, customer_id: 2, first_name: 'Alan' }, { ...AKRON, customer_id: 40, city: 'Canton', postal_code: '44702' }, { ...AKRON, customer_id: CUSTOMERS + 1 }])
    await w('PUT', '/customers/attribute-values', [
      { customer_id: 1, attribute_id: shoe, value: '38' },
      { customer_id: 2, attribute_id: nickname, value: 'Prof' },
      { customer_id: 3, attribute_id: since, value: '1944-01-01' },
      { customer_id: 1, attribute_id: nickname, value: 'Enchantress' },
    ])
    await w('PUT', '/customers/form-field-values', [{ customer_id: 3, name: 'Sales Rep', value: 'R' }, { customer_id: 2, name: 'Interests', value: ['golf', 'tennis'] }])
    await w('PUT', '/customers/1/consent', { allow: ['functional'], deny: ['targeting'] })
    await w('PUT', '/customers/2/consent', { allow: ['analytics', 'targeting'] })
    // Exactly what a customer who never answered shows: a row the API cannot tell from none.
    await w('PUT', '/customers/3/consent', { allow: ['essential'] })
    // Alan's before Ada's: instruments are listed per customer, and the clone writes them so.
    await this.admin('POST', `/stores/${SOURCE_HASH}/customers/2/stored-instruments`, { type: 'stored_bank_account', token: 'bank-2', masked_account_number: '****6789', issuer: 'Bank' })
    await this.admin('POST', `/stores/${SOURCE_HASH}/customers/1/stored-instruments`, {
      type: 'stored_card', token: 'card-1', is_default: true, brand: 'visa', expiry_month: 12, expiry_year: 2030, last_4: '4242', billing_address: { city: 'London' },
    })
    await this.admin('POST', `/stores/${SOURCE_HASH}/customers/1/stored-instruments`, { type: 'stored_paypal_account', token: 'paypal-1', email: 'ada@example.com' })
    const cart = '3f1e9a8c-2b7d-4c6e-9f0a-1b2c3d4e5f60'
    await this.api(CLONE_CLIENT, 'POST', '/customers/1/metafields', { namespace: 'app', key: 'tier', value: 'gold', permission_set: 'app_only' })
    await this.api(CLONE_CLIENT, 'POST', `/carts/${cart}/metafields`, { namespace: 'app', key: 'gift', value: 'yes', permission_set: 'write' })
    await this.api('other-app', 'POST', '/customers/1/metafields', { namespace: 'other', key: 'visible', value: 'to all', permission_set: 'read', description: 'shared' })
    await this.api('other-app', 'POST', '/customers/2/metafields', { namespace: 'other', key: 'secret', value: 'hidden', permission_set: 'app_only' })
    await this.api('other-app', 'POST', `/carts/${cart}/metafields`, { namespace: 'other', key: 'note', value: 'hidden', permission_set: 'app_only' })
    await this.api('other-app', 'POST', `/customers/${CUSTOMERS + 1}/metafields`, { namespace: 'other', key: 'gone', value: 'with it', permission_set: 'read' })
    // The highest customer deleted: the source's next id is past any the API shows.
    await w('DELETE', `/customers?id:in=${CUSTOMERS + 1}`)
  }

  /**
   * Gives the store a quota, on a server started afresh: its counters are in memory, and a window
   * an earlier test opened would otherwise still be counting. The clone's first request opens it.
   */
  async limit(quota: number, windowMs: number): Promise<void> {
    await this.admin('PUT', `/stores/${SOURCE_HASH}/rate-limit`, { quota, window_ms: windowMs })
    await this.kill()
    await this.serve()
  }

  async unlimit(): Promise<void> {
    await this.admin('DELETE', `/stores/${SOURCE_HASH}/rate-limit`)
  }
}
