import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { once } from 'node:events'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDeliveryWorker, type DeliveryWorker } from '../src/webhooks/worker.js'
import { ADMIN_TOKEN, buildTestApp, newCustomer, type TestApp } from './helpers/app.js'
import { waitFor } from './helpers/wait.js'
import { BACKENDS, openOwnDatabase, type Backend, type OwnDatabase } from './helpers/backends.js'
import { BROWSER_REQUIRED, CHROMIUM_PATH, HAVE_BROWSER, launchBrowser, screenshot, SCREENSHOTS, watchPage } from './helpers/browser.js'

// The web console (/console/) in a real browser (Debian's Chromium through playwright-core), on
// every backend: signing in, stores and tokens, customers searched, edited and deleted through
// the console's proxy and seen through the API, the request inspector live and redacted, webhook
// deliveries and redelivery, snapshots, limits, the keyboard and a narrow window. Every page is
// watched for script errors and Content Security Policy violations. Screenshots of each panel go
// to artifacts/console/.

const WIDE = { width: 1280, height: 800 }
const NARROW = { width: 400, height: 800 }
const SECRET_PASSWORD = 'Sekrit-passw0rd-never-shown'


/** A webhook receiver on 127.0.0.1 that answers 200 and keeps what it got. */
async function startReceiver(): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const received: string[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(200).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}


/**
 * The docs' pictures of the console (docs/CONSOLE.md, README) are two of these screenshots: written
 * when missing or with UPDATE_DOC_IMAGES=1, so that a test run leaves the committed ones alone.
 */
function docImage(screenshotFile: string, name: string): void {
  const target = path.join('docs/images', name)
  if (existsSync(target) && process.env.UPDATE_DOC_IMAGES !== '1') return
  mkdirSync('docs/images', { recursive: true })
  copyFileSync(screenshotFile, target)
}

const uniqueHash = () => `cb${randomUUID().replace(/-/g, '').slice(0, 10)}`

function suite(backend: Backend, getBrowser: () => Browser) {
  let t: TestApp
  let own: OwnDatabase
  let worker: DeliveryWorker
  let origin = ''
  /** The signed-in session (its cookie), kept by the first test for the others. */
  let signedIn: Awaited<ReturnType<BrowserContext['storageState']>> | undefined
  const contexts: BrowserContext[] = []
  const closers: Array<() => Promise<void>> = []

  beforeAll(async () => {
    own = await openOwnDatabase(backend, 'console_browser')
    t = await buildTestApp(backend, { db: own.db, app: own.schema ? { databaseSchema: own.schema } : {} })
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    worker = startDeliveryWorker(own.db, { pollMs: 20, timeoutMs: 2000, retrySchedule: [0.1, 0.1], pruneEveryMs: 60_000 })
  })

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})))
    await Promise.all(closers.map((close) => close()))
    await worker?.stop()
    await t?.close()
    await own?.drop()
  })

  /** A page in a context of its own; signed in (with the first test's session) unless `signed: false`. */
  async function openPage(options: { signed?: boolean; viewport?: typeof WIDE } = {}): Promise<{ page: Page; problems(): string[] }> {
    const context = await getBrowser().newContext({
      viewport: options.viewport ?? WIDE,
      ...(options.signed !== false && signedIn ? { storageState: signedIn } : {}),
    })
    contexts.push(context)
    // Well inside the test's own timeout, so a wait that fails says what it waited for.
    context.setDefaultTimeout(8000)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
    const page = await context.newPage()
    page.on('dialog', (dialog) => void dialog.accept())
    const watch = watchPage(page)
    return { page, problems: watch.problems }
  }

  /** The API as an app calls it: over HTTP, with a store token. */
  async function callApi(store: { hash: string; token: string }, method: string, path: string, body?: unknown) {
    const res = await fetch(`${origin}/stores/${store.hash}/v3${path}`, {
      method,
      headers: { 'x-auth-token': store.token, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }

  const goto = (page: Page, hashRoute: string) => page.goto(`${origin}/console/${hashRoute}`)
  const shot = (page: Page, panel: string) => screenshot(page, `${backend}-${panel}`)

  it('signs in with the admin token through the form (a wrong one is refused with a message), and by a dev link', async () => {
    const { page, problems } = await openPage({ signed: false })
    const first = await page.goto(`${origin}/console/`)
    expect(first?.status()).toBe(401)
    await expect(page.getByLabel('Admin token').getAttribute('autocomplete')).resolves.toBe('current-password')
    await shot(page, 'sign-in')

    await page.getByLabel('Admin token').fill('not-the-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').filter({ hasText: /\S/ }).waitFor()
    expect(await page.getByRole('alert').textContent()).toMatch(/\S/)

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { level: 1, name: 'Stores' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/console/')
    expect(await page.locator('meta[name="csrf-token"]').getAttribute('content')).toMatch(/^(?!\{\{).{16,}/)
    signedIn = await page.context().storageState()
    expect(problems()).toEqual([])

    // `clientele serve` prints /console/#token=...: the page signs in and drops the token from the address.
    const dev = await openPage({ signed: false })
    await dev.page.goto(`${origin}/console/#token=${encodeURIComponent(ADMIN_TOKEN)}`)
    await dev.page.getByRole('heading', { level: 1, name: 'Stores' }).waitFor()
    expect(dev.page.url()).not.toContain(ADMIN_TOKEN)
    expect(dev.problems()).toEqual([])
  })

  it('loads in well under 200 KB (html, scripts and styles of the first load)', async () => {
    const { page, problems } = await openPage()
    const sizes: Array<[string, number]> = []
    page.on('response', async (response) => {
      if (!response.url().startsWith(`${origin}/console/`)) return
      try {
        sizes.push([new URL(response.url()).pathname, (await response.body()).length])
      } catch { /* a redirect has no body */ }
    })
    await goto(page, '#/')
    await page.getByRole('heading', { level: 1, name: 'Stores' }).waitFor()
    await page.waitForLoadState('networkidle')
    const total = sizes.reduce((n, [, size]) => n + size, 0)
    console.log(`${backend}: first load of /console/: ${sizes.length} files, ${total} bytes (${sizes.map(([p, n]) => `${p} ${n}`).join(', ')})`)
    expect(total).toBeGreaterThan(0)
    expect(total).toBeLessThan(200 * 1024)
    expect(problems()).toEqual([])
  })

  it('creates a store and an API account with chosen scopes, shows its token once, and the token works', async () => {
    const { page, problems } = await openPage()
    const hash = uniqueHash()
    await goto(page, '#/')
    await page.getByLabel('Hash').fill(hash)
    await page.getByLabel('Name').fill('Console store')
    await page.getByRole('button', { name: 'Create store' }).click()
    await page.getByRole('link', { name: hash, exact: true }).click()
    await page.getByRole('heading', { level: 1, name: `Store ${hash}` }).waitFor()
    await page.getByText('No API accounts').waitFor()

    await page.getByRole('checkbox', { name: /^Stored payment instruments store_stored_payment_instruments$/ }).check()
    await page.getByLabel('Name (optional)').fill('console-app')
    await page.getByRole('button', { name: 'Create API account' }).click()
    const token = (await page.locator('#new-token').textContent())!
    expect(token).toMatch(/\S{16,}/)
    await page.getByRole('cell', { name: 'store_v2_customers, store_stored_payment_instruments' }).waitFor()
    await shot(page, 'store')

    const store = { hash, token }
    expect((await callApi(store, 'GET', '/customers')).status).toBe(200)
    // Shown once: the page shows it no more once reloaded.
    await page.reload()
    await page.getByRole('heading', { level: 1, name: `Store ${hash}` }).waitFor()
    await page.getByRole('cell', { name: 'console-app' }).waitFor()
    expect(await page.content()).not.toContain(token)

    // Revoked: the token stops working.
    await page.getByRole('button', { name: /^Revoke / }).click()
    await page.getByText('No API accounts').waitFor()
    expect((await callApi(store, 'GET', '/customers')).status).toBe(401)

    // Deleted (after a confirm): gone from the list.
    await page.getByRole('button', { name: 'Delete store' }).click()
    await page.getByRole('heading', { level: 1, name: 'Stores' }).waitFor()
    await page.getByRole('status').filter({ hasText: `Store ${hash} deleted.` }).waitFor()
    expect(await page.getByRole('link', { name: hash, exact: true }).count()).toBe(0)
    expect(problems()).toEqual([])
  })

  it('pages through the customers as the API pages them', async () => {
    const store = await t.newStore()
    expect((await callApi(store, 'POST', '/customers', Array.from({ length: 10 }, () => newCustomer({ company: 'Paged' })))).status).toBe(200)
    expect((await callApi(store, 'POST', '/customers', [newCustomer({ company: 'Paged', first_name: 'Eleventh' })])).status).toBe(200)
    const { page, problems } = await openPage()
    await goto(page, `#/stores/${store.hash}/customers`)
    await page.getByLabel('Company (company:in)').fill('Paged')
    await page.getByLabel('Per page').selectOption('10')
    await page.getByLabel('Sort').selectOption('date_created:asc')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByText('Page 1 of 2 · 10 shown of 11 · 10 per page').waitFor()
    await page.getByRole('button', { name: 'Next ›' }).click()
    await page.getByText('Page 2 of 2 · 1 shown of 11 · 10 per page').waitFor()
    expect(await page.locator('table tbody tr').allTextContents()).toEqual([expect.stringContaining('Eleventh')])
    expect(await page.getByRole('button', { name: 'Next ›' }).isDisabled()).toBe(true)
    // The search is in the address: a reload shows the same page.
    await page.reload()
    await page.getByText('Page 2 of 2 · 1 shown of 11 · 10 per page').waitFor()
    expect(await page.getByLabel('Company (company:in)').inputValue()).toBe('Paged')
    await page.getByRole('button', { name: '‹ Previous' }).click()
    await page.getByText('Page 1 of 2').waitFor()
    expect(problems()).toEqual([])
  })

  it('finds a customer by email, shows its detail, edits its name (seen through the API) and deletes another', async () => {
    const store = await t.newStore()
    const target = newCustomer({
      first_name: 'Ada', last_name: 'Lovelace', company: 'Analytical Engines', phone: '555-0100',
      addresses: [{ first_name: 'Ada', last_name: 'Lovelace', address1: '12 Analytical Way', city: 'Boston', state_or_province: 'Massachusetts', postal_code: '02108', country_code: 'US' }],
    })
    const created = await callApi(store, 'POST', '/customers', [target, newCustomer({ first_name: 'Other' }), newCustomer({ first_name: 'Third' })])
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    const [ada, other] = created.body.data as Array<{ id: number; email: string }>
    const metafield = await callApi(store, 'POST', `/customers/${ada!.id}/metafields`, { namespace: 'console', key: 'tier', value: 'gold', permission_set: 'read' })
    expect(metafield.status, JSON.stringify(metafield.body)).toBe(200)

    const { page, problems } = await openPage()
    await goto(page, `#/stores/${store.hash}/customers`)
    await page.getByRole('cell', { name: ada!.email }).waitFor()
    expect(await page.getByText(/Page 1 of 1 · 3 shown of 3/).count()).toBe(1)

    await page.getByLabel('Email (email:in)').fill(ada!.email)
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByText(/Page 1 of 1 · 1 shown of 1/).waitFor()
    expect(page.url()).toContain('email:in=')
    expect(await page.locator('table tbody tr').count()).toBe(1)
    await shot(page, 'customers')

    await page.getByRole('link', { name: 'Ada Lovelace' }).click()
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor()
    await page.getByRole('cell', { name: '12 Analytical Way' }).waitFor()
    await page.getByRole('cell', { name: 'gold' }).waitFor()
    const customerShot = await shot(page, 'customer')
    if (backend === 'sqlite') docImage(customerShot, 'console-customer.png')

    await page.getByLabel('First name').fill('Augusta')
    await page.getByLabel('Notes').fill('Edited in the console')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').filter({ hasText: `Customer ${ada!.id} saved.` }).waitFor()
    await page.getByRole('heading', { level: 1, name: 'Augusta Lovelace' }).waitFor()
    const seen = await callApi(store, 'GET', `/customers?id:in=${ada!.id}`)
    expect(seen.body.data[0]).toMatchObject({ first_name: 'Augusta', last_name: 'Lovelace', notes: 'Edited in the console' })

    // An error the API answers is shown, not swallowed: an email already taken.
    await page.getByLabel('Email', { exact: true }).fill(other!.email)
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.locator('#status.error').waitFor()
    expect(await page.locator('#status').textContent()).toMatch(/^Saving customer \d+: 4\d\d /)

    await goto(page, `#/stores/${store.hash}/customers/${other!.id}`)
    await page.getByRole('heading', { level: 1, name: /^Other / }).waitFor()
    await page.getByRole('button', { name: 'Delete customer' }).click()
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor()
    expect((await callApi(store, 'GET', `/customers?id:in=${other!.id}`)).body.data).toEqual([])
    expect(problems()).toEqual([])
  })

  it('shows the requests an API client just made, live, redacted, filtered, with a curl command', async () => {
    const store = await t.newStore()
    const { page, problems } = await openPage()
    await goto(page, `#/stores/${store.hash}/requests`)
    await page.getByText('No requests recorded yet').waitFor()
    await page.getByText('Live: new requests appear at the top.').waitFor()

    // Made while the panel is open: the live stream brings them.
    const created = await callApi(store, 'POST', '/customers', [newCustomer({ first_name: 'Inspected', authentication: { new_password: SECRET_PASSWORD } })])
    expect(created.status).toBe(200)
    await callApi(store, 'GET', '/customers?name:like=Insp')
    await callApi(store, 'GET', '/customers/999999/consent')
    const rows = page.locator('table tbody tr')
    await waitFor(async () => (await rows.count()) === 3)
    // Newest first.
    expect(await rows.first().getByRole('cell').nth(1).textContent()).toBe('GET')
    expect(await rows.first().textContent()).toContain('/customers/999999/consent')

    await page.getByRole('button', { name: /^Open request 1: POST / }).click()
    await page.getByRole('heading', { name: /^Request 1: POST 200/ }).waitFor()
    const content = await page.content()
    expect(content).toContain('[redacted]')
    expect(content).not.toContain(SECRET_PASSWORD)
    expect(content).not.toContain(store.token)
    await shot(page, 'requests')
    if (backend === 'sqlite') docImage(`${SCREENSHOTS}/${backend}-requests.png`, 'console-requests.png')

    await page.getByRole('button', { name: 'Copy as curl' }).click()
    const shown = (await page.locator('pre.curl').textContent())!
    expect(shown).toMatch(new RegExp(`^curl -X POST '${origin}/stores/${store.hash}/v3/customers' -H 'X-Auth-Token: <your token>'`))
    expect(shown).toContain("-H 'content-type: application/json'")
    expect(shown).toContain('--data \'[{"email"')
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>)).toBe(shown)

    // Filters: 4xx only, then by method.
    await page.getByLabel('Status').fill('4xx')
    await page.getByRole('button', { name: 'Filter' }).click()
    await waitFor(async () => (await rows.count()) === 1)
    expect(await rows.first().textContent()).toContain('404')
    await page.getByRole('button', { name: 'Clear', exact: true }).click()
    await waitFor(async () => (await rows.count()) === 3)
    await page.getByLabel('Method').selectOption('POST')
    await page.getByRole('button', { name: 'Filter' }).click()
    await waitFor(async () => (await rows.count()) === 1 && (await rows.first().textContent())!.includes('POST'))
    // A live stream with a filter: a GET does not come, a POST does.
    await callApi(store, 'GET', '/customers')
    await callApi(store, 'POST', '/customers', [newCustomer()])
    await waitFor(async () => (await rows.count()) === 2)
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('POST'), expect.stringContaining('POST')])
    expect(problems()).toEqual([])
  })

  it('shows the hooks and a webhook delivery with its answer, and redelivers it', async () => {
    const store = await t.newStore()
    const receiver = await startReceiver()
    closers.push(receiver.close)
    const hook = await callApi(store, 'POST', '/hooks', { scope: 'store/customer/created', destination: receiver.url, is_active: true })
    expect(hook.status).toBe(200)
    expect((await callApi(store, 'POST', '/customers', [newCustomer()])).status).toBe(200)
    worker.nudge()
    await waitFor(() => receiver.received.length === 1)

    const { page, problems } = await openPage()
    await goto(page, `#/stores/${store.hash}/webhooks`)
    await page.getByRole('cell', { name: store.clientId }).waitFor()
    const row = page.locator('table tbody tr').filter({ hasText: 'store/customer/created' }).filter({ has: page.getByRole('button', { name: /^Redeliver/ }) })
    await row.locator('td.last-status', { hasText: '200' }).waitFor()
    expect(await row.locator('td.attempts').textContent()).toBe('1')
    expect(await row.textContent()).toContain('delivered')
    await shot(page, 'webhooks')

    await row.getByRole('button', { name: /^Redeliver/ }).click()
    await page.getByRole('status').filter({ hasText: /queued again/ }).waitFor()
    worker.nudge()
    await waitFor(() => receiver.received.length === 2)
    expect(receiver.received[1]).toBe(receiver.received[0])
    // The list refreshes by itself: delivered again.
    await row.locator('.badge.delivered').waitFor()
    expect(problems()).toEqual([])
  })

  it('saves a snapshot, and restoring it brings the old data back', async () => {
    const store = await t.newStore()
    const created = await callApi(store, 'POST', '/customers', [newCustomer({ first_name: 'Original' })])
    const id = created.body.data[0].id as number
    const { page, problems } = await openPage()
    await goto(page, `#/stores/${store.hash}`)
    await page.getByText('No snapshots.').waitFor()
    await page.getByLabel('Snapshot name').fill('before-change')
    await page.getByRole('button', { name: 'Save snapshot' }).click()
    await page.getByRole('cell', { name: 'before-change' }).waitFor()

    expect((await callApi(store, 'PUT', '/customers', [{ id, first_name: 'Changed' }])).status).toBe(200)
    expect((await callApi(store, 'POST', '/customers', [newCustomer({ first_name: 'Later' })])).status).toBe(200)

    await page.getByRole('button', { name: 'Restore before-change' }).click()
    await page.getByRole('status').filter({ hasText: 'Snapshot before-change restored.' }).waitFor()
    const after = await callApi(store, 'GET', '/customers')
    expect(after.body.data.map((c: { first_name: string }) => c.first_name)).toEqual(['Original'])

    await goto(page, `#/stores/${store.hash}/customers/${id}`)
    await page.getByRole('heading', { level: 1, name: /^Original / }).waitFor()

    // Reset: the data goes, the API account stays.
    await goto(page, `#/stores/${store.hash}`)
    await page.getByRole('button', { name: 'Reset store' }).click()
    await page.getByRole('status').filter({ hasText: `Store ${store.hash} reset.` }).waitFor()
    const reset = await callApi(store, 'GET', '/customers')
    expect(reset).toMatchObject({ status: 200, body: { data: [] } })

    // Deleting the snapshot.
    await page.getByRole('button', { name: 'Delete snapshot before-change' }).click()
    await page.getByText('No snapshots.').waitFor()
    expect(problems()).toEqual([])
  })

  it('shows and sets the quota, and charts requests and 429s per window', async () => {
    const store = await t.newStore()
    const { page, problems } = await openPage()
    await goto(page, `#/stores/${store.hash}/limits`)
    await page.getByText('the deployment’s default', { exact: true }).waitFor()

    await page.getByLabel('Plan', { exact: true }).selectOption('pro')
    await page.getByRole('button', { name: 'Set plan' }).click()
    await page.getByText('450 requests').waitFor()
    await page.getByText('the store’s own quota', { exact: true }).waitFor()

    await page.getByLabel('Quota (requests per window)').fill('2')
    await page.getByLabel('Window (ms)').fill('3600000')
    await page.getByRole('button', { name: 'Set figures' }).click()
    await page.getByText('custom figures').waitFor()
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await callApi(store, 'GET', '/customers')).status)
    expect(statuses).toEqual([200, 200, 429, 429])
    // The live stream brings them to the chart.
    await page.locator('svg.chart rect.limited').waitFor()
    expect(await page.locator('svg.chart desc').textContent()).toContain('4 requests, 2 answered 429')
    await shot(page, 'limits')

    await page.getByRole('button', { name: 'Drop the store’s own quota' }).click()
    await page.getByText('the deployment’s default', { exact: true }).waitFor()
    expect(problems()).toEqual([])
  })

  it('can be used with the keyboard: Tab reaches the nav links, the sign-out button and the forms', async () => {
    const store = await t.newStore()
    const { page, problems } = await openPage()
    await goto(page, `#/stores/${store.hash}/customers`)
    await page.getByText('No customer matches.').waitFor()
    const reached: string[] = []
    let outlined = false
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab')
      const { text, outline } = await page.evaluate(() => {
        const { document, getComputedStyle } = (globalThis as any)
        const el = document.activeElement
        const style = getComputedStyle(el)
        return { text: `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()}`, outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' }
      })
      reached.push(text)
      outlined ||= outline
    }
    expect(reached).toEqual(expect.arrayContaining(['a:Stores', 'a:Customers', 'a:Requests', 'a:Webhooks', 'a:Limits', 'button:Sign out', 'button:Search']))
    expect(outlined).toBe(true)
    // Enter on a nav link follows it.
    await page.getByRole('link', { name: 'Requests', exact: true }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor()
    expect(await page.getByRole('link', { name: 'Requests', exact: true }).getAttribute('aria-current')).toBe('page')
    expect(problems()).toEqual([])
  })

  it('works in a narrow window: nothing wider than the window but the tables, which scroll; and signs out', async () => {
    const store = await t.newStore()
    await callApi(store, 'POST', '/customers', [newCustomer({ company: 'A company with a rather long name indeed' }), newCustomer()])
    // A session of its own, which signing out ends.
    const { page, problems } = await openPage({ signed: false, viewport: NARROW })
    await page.goto(`${origin}/console/#token=${encodeURIComponent(ADMIN_TOKEN)}`)
    await page.getByRole('heading', { level: 1, name: 'Stores' }).waitFor()
    await goto(page, `#/stores/${store.hash}/customers`)
    await page.getByText(/Page 1 of 1/).waitFor()
    const widths = await page.evaluate(() => {
      const { document } = (globalThis as any)
      return {
        page: document.documentElement.scrollWidth as number,
        wrap: document.querySelector('.table-wrap').clientWidth as number,
        table: document.querySelector('.table-wrap table').scrollWidth as number,
      }
    })
    expect(widths.page).toBeLessThanOrEqual(NARROW.width)
    expect(widths.wrap).toBeLessThanOrEqual(NARROW.width)
    expect(widths.table).toBeGreaterThan(widths.wrap)
    await page.locator('.table-wrap').scrollIntoViewIfNeeded()
    await shot(page, 'narrow')

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Admin token').waitFor()
    const again = await page.goto(`${origin}/console/`)
    expect(again?.status()).toBe(401)
    expect(problems()).toEqual([])
  })
}

if (!HAVE_BROWSER) {
  const message = `no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH): the console's browser tests ${BROWSER_REQUIRED ? 'cannot run' : 'are skipped'}`
  if (BROWSER_REQUIRED) {
    describe('the console in a browser', () => {
      it('needs Chromium (TEST_BROWSER=required)', () => {
        throw new Error(message)
      })
    })
  } else {
    console.warn(message)
    describe.skip('the console in a browser', () => {
      it('needs Chromium', () => {})
    })
  }
} else {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
  })
  for (const backend of BACKENDS) describe(`${backend}: the console in a browser`, () => suite(backend, () => browser))
}
