import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ALL_SCOPES } from '../src/core/scopes.js'
import { createAccount, createStore } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { CLONE_CLIENT, CloneSource, CUSTOMERS, SOURCE_HASH } from './helpers/clone-source.js'
import { freePort, processDatabase, run, start, throughApp, type ProcessDatabase, type RunningProcess } from './helpers/process.js'

// `clientele clone` as a real process, against a second Clientele process as the source (it
// speaks BigCommerce's API): a full clone whose export equals the source's less what the API
// cannot show, a source limited to 150 requests per 30 s and killed mid-clone, a clone killed and
// resumed, and bad input. The source is filled once for the file; each test clones into a
// database of its own.

let source: CloneSource
let sourceExport: string

beforeAll(async () => {
  source = await CloneSource.start()
  await source.fill()
  const exported = await source.clientele('export', '--store', SOURCE_HASH)
  expect(exported.code, exported.stderr).toBe(0)
  sourceExport = exported.stdout
})
afterAll(() => source?.stop())

interface Line {
  table: string
  row: Record<string, any>
}

/**
 * A store file as lines to compare, less what a clone cannot copy. Each difference allowed, and
 * why (docs/CLONE.md "What is not copied"):
 * - rate_limits: the source's quota is its server's setting, not the store's data;
 * - channels: the Customers API shows channel ids, not their names or creation dates;
 * - form_fields: the API shows values, not definitions: a field is compared by form, name and
 *   type (its id, options, `required` and date are the clone's making); password fields, whose
 *   values are never listed, are not seen at all;
 * - customers.password_hash: never shown;
 * - form_field_values: no id nor date is shown (the clone numbers them in list order); password
 *   values are never listed;
 * - customer_consents: a row allowing `essential` only answers as no row at all;
 * - stored_instruments: listed per customer, without the date they were added;
 * - metafields: another app's app_only ones are invisible to the clone's token;
 * - store_counters: the `last_id` of rows since deleted is not shown: the clone's is the highest
 *   id copied (and form field ids are the clone's making).
 */
function comparable(text: string, side: 'source' | 'clone'): string[] {
  const [header, ...lines] = text.trimEnd().split('\n').map((line) => JSON.parse(line))
  const rows = (lines.slice(0, -1) as Line[])
  const fields = new Map(rows.filter((line) => line.table === 'form_fields').map((line) => [line.row.id, line.row]))
  const highest = (table: string) => Math.max(0, ...rows.filter((line) => line.table === table).map((line) => line.row.id))
  const counted: Record<string, string> = { 'customers.last_id': 'customers', 'addresses.last_id': 'customer_addresses', 'attributes.last_id': 'customer_attributes', 'attribute_values.last_id': 'customer_attribute_values' }
  const out: Line[] = []
  for (const { table, row } of rows) {
    const fromSource = side === 'source'
    switch (table) {
      case 'rate_limits':
        if (!fromSource) out.push({ table, row })
        break
      case 'channels':
        out.push({ table, row: { id: row.id } })
        break
      case 'form_fields':
        if (row.type !== 'password') out.push({ table, row: { form: row.form, name: row.name, type: row.type } })
        break
      case 'customers':
        out.push({ table, row: fromSource ? { ...row, password_hash: null } : row })
        break
      case 'form_field_values': {
        const field = fields.get(row.field_id)!
        const { id: _id, field_id: _field, date_modified: _date, ...rest } = row
        if (field.type !== 'password') out.push({ table, row: { field: `${field.form}:${field.name}`, ...rest } })
        break
      }
      case 'customer_consents':
        if (!(fromSource && row.allow === '["essential"]' && row.deny === '[]')) out.push({ table, row })
        break
      case 'stored_instruments': {
        const { date_created: _date, ...rest } = row
        out.push({ table, row: rest })
        break
      }
      case 'metafields':
        if (!(fromSource && row.permission_set === 'app_only' && row.owner_client_id !== CLONE_CLIENT)) out.push({ table, row })
        break
      case 'store_counters':
        if (row.name === 'form_fields.last_id') out.push({ table, row: { name: row.name } })
        else out.push({ table, row: counted[row.name] ? { name: row.name, value: highest(counted[row.name]!) } : row })
        break
      default:
        out.push({ table, row })
    }
  }
  const instruments = out.filter((line) => line.table === 'stored_instruments').sort((a, b) => a.row.customer_id - b.row.customer_id)
  const first = out.findIndex((line) => line.table === 'stored_instruments')
  if (first >= 0) out.splice(first, instruments.length, ...instruments)
  return [JSON.stringify(header), ...out.map((line) => JSON.stringify(line))]
}

/** The first stderr line matching, waiting for it (progress goes to stderr). */
async function stderrLine(process: RunningProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const line = process.stderr().split('\n').find((text) => pattern.test(text))
    if (line) return line
    if (process.child.exitCode !== null || Date.now() > until) throw new Error(`no stderr line matching ${pattern}:\n${process.stderr()}`)
    await sleep(20)
  }
}

describe.each(BACKENDS)('%s: clientele clone', (backend: Backend) => {
  let database: ProcessDatabase
  let dir: string
  let stateDir: string
  const started: RunningProcess[] = []

  beforeEach(async () => {
    database = await processDatabase(backend)
    // The local server's database, as `clientele serve` or `migrate` leaves it.
    await database.open()
    dir = mkdtempSync(join(tmpdir(), 'clientele-clone-'))
    stateDir = join(dir, 'state')
  })
  afterEach(async () => {
    for (const process of started.splice(0)) if (process.child.exitCode === null) await process.stop('SIGKILL')
    await database.remove()
    rmSync(dir, { recursive: true, force: true })
  })

  const cloneArgs = (...more: string[]) => ['clone', '--from', source.from, '--token', source.tokens[CLONE_CLIENT]!, '--store', 'copy', '--state', stateDir, ...more]
  const clientele = (...args: string[]) => run(args, database.env)
  const startClone = (...more: string[]) => {
    const process = start(cloneArgs(...more), database.env)
    started.push(process)
    return process
  }

  async function expectSameStore(): Promise<void> {
    const exported = await clientele('export', '--store', 'copy')
    expect(exported.code, exported.stderr).toBe(0)
    expect(comparable(exported.stdout, 'clone')).toEqual(comparable(sourceExport, 'source'))
  }

  it('copies what the API shows: the export equals the source\'s less what it cannot show, and says what was not copied', async () => {
    const cloned = await clientele(...cloneArgs())
    expect(cloned.code, cloned.stderr).toBe(0)
    const [summary, heading, ...notes] = cloned.stdout.trimEnd().split('\n')
    expect(summary).toMatch(new RegExp(`^cloned ${source.from} into new store copy: ${CUSTOMERS} customers, \\d+ rows, \\d+ requests, [\\d.]+ s$`))
    expect(heading).toBe('not copied:')
    expect(notes[0]).toMatch(/^- passwords: the API never shows them .*cloned customers have none/)
    expect(notes).toContainEqual(expect.stringMatching(/^- form field definitions: .* the 5 fields they name were made from them/))
    expect(notes).toContainEqual(expect.stringMatching(/^- channel names and creation dates of channels 1, 2 \(Channels API: 404: the source does not serve it\)/))
    expect(cloned.stderr).toMatch(/^clone: reading customers\nclone: customers: page 1, 75 read$/m)
    expect(existsSync(stateDir)).toBe(false)
    await expectSameStore()

    // What the clone made of what the API does not show.
    const exported = (await clientele('export', '--store', 'copy')).stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line))
    const rowsOf = (table: string) => exported.filter((line) => line.table === table).map((line) => line.row)
    expect(rowsOf('channels').map((row) => row.name)).toEqual(['copy', 'Channel 2'])
    expect(rowsOf('form_fields').map((row) => [row.name, row.type, row.options, row.required])).toEqual([
      ['Sales Rep', 'text', null, 0], ['Birthday', 'date', null, 0], ['Interests', 'checkboxes', '["chess","golf","tennis"]', 0], ['Floor', 'numbers', null, 0], ['Gate', 'picklist', '["B"]', 0],
    ])
    expect(rowsOf('customers').filter((row) => row.password_hash !== null)).toEqual([])
  })

  it('waits out a source limited to 150 requests per 30 s, and goes on when the source is killed and started again', { timeout: 90_000 }, async () => {
    await source.limit(150, 30_000)
    const before = source.requests().length
    try {
      const cloning = startClone()
      const line = await stderrLine(cloning, /^clone: rate limit: waiting [\d.]+ s \(X-Rate-Limit-Time-Reset-Ms\)$/)
      const waitMs = Number(/waiting ([\d.]+) s/.exec(line)![1]) * 1000
      // 150 requests take a second or two: most of the window is left to wait.
      expect(waitMs).toBeGreaterThan(15_000)
      await source.kill()
      // Back only after the clone's wait is over: its next requests find no one listening.
      await sleep(waitMs + 500)
      await source.serve()
      const exit = await cloning.exited
      expect(exit.code, cloning.stderr()).toBe(0)
      expect(cloning.stderr()).toMatch(/^clone: the source failed \((ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|other side closed)\): trying again in [\d.]+ s$/m)
    } finally {
      await source.unlimit()
    }
    const during = source.requests().slice(before)
    expect(during.length).toBeGreaterThan(150)
    expect(during.filter((request) => request.status === 429)).toEqual([])
    await expectSameStore()
  })

  it('resumes a killed clone where it stopped, asking for nothing it had read, and refuses to start over without --resume', async () => {
    // A small quota stops the clone at a known point: it is killed while it waits.
    await source.limit(60, 60_000)
    const before = source.requests().length
    try {
      const cloning = startClone()
      await stderrLine(cloning, /^clone: rate limit: waiting/)
      await cloning.stop('SIGKILL')
    } finally {
      await source.unlimit()
    }
    const firstRun = source.requests().slice(before)
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'))
    expect(state.phases.customers).toMatchObject({ done: true, items: CUSTOMERS })
    expect(state.phases.consent).toMatchObject({ done: false, index: expect.any(Number) })
    expect(await clientele('stores', 'list')).toMatchObject({ code: 0, stdout: 'no stores\n' })

    expect(await clientele(...cloneArgs())).toMatchObject({
      code: 1, stdout: '', stderr: `clientele: an interrupted clone left its state in ${stateDir}: continue it with --resume, or delete the folder to start again\n`,
    })
    const mark = source.requests().length
    const resumed = await clientele(...cloneArgs('--resume'))
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toMatch(new RegExp(`^clone: resuming from ${stateDir} \\(${firstRun.length} requests made before\\)$`, 'm'))
    const secondRun = source.requests().slice(mark)
    const askedAgain = secondRun.filter((request) => firstRun.some((earlier) => earlier.url === request.url))
    expect(askedAgain).toEqual([])
    expect(existsSync(stateDir)).toBe(false)
    await expectSameStore()
  })

  it('refuses bad input with one line and a non-zero exit, leaving the local store as it was', async () => {
    const db = database.connect()
    await createStore(db, 'copy')
    const { access_token: localToken } = await createAccount(db, { storeHash: 'copy', scopes: ALL_SCOPES, clientId: 'local-app' })
    expect((await throughApp(db, 'POST', '/stores/copy/v3/customers', [{ email: 'local@example.com', first_name: 'Lo', last_name: 'Cal' }], { 'x-auth-token': localToken })).status).toBe(200)
    const exportOf = async (hash: string) => (await clientele('export', '--store', hash)).stdout
    const local = await exportOf('copy')
    const token = source.tokens[CLONE_CLIENT]!
    const unreachable = `http://127.0.0.1:${await freePort()}/stores/src`
    // [store, arguments, exit code, the one line]
    const cases: [string, string[], number, RegExp][] = [
      ['fresh', ['--token', token], 1, /^error: required option '--from <url>' not specified$/],
      ['fresh', ['--from', source.from], 1, /^clientele: --token \(or CLIENTELE_CLONE_TOKEN\) must give an API token of the source store$/],
      ['fresh', ['--from', 'not a url', '--token', token], 1, /^clientele: --from "not a url" is not a URL: give the store's API base, like https:\/\/api\.bigcommerce\.com\/stores\/<hash>$/],
      ['fresh', ['--from', 'ftp://example.com/stores/x', '--token', token], 1, /^clientele: --from "ftp:\/\/example\.com\/stores\/x" must be an http or https URL/],
      ['fresh', ['--from', 'https://api.bigcommerce.com/v3', '--token', token], 1, /^clientele: --from "https:\/\/api\.bigcommerce\.com\/v3" must end with \/stores\/<store hash>/],
      ['fresh', ['--from', source.from, '--token', token, '--page-size', '251'], 1, /^error: option '--page-size <n>' argument '251' is invalid\. must be a whole number from 1 to 250/],
      ['fresh', ['--from', source.from, '--token', 'wrong-token-0123456789'], 1, /^clientele: the source refused the token \(401 Unauthorized\): check --token$/],
      ['fresh', ['--from', source.from, '--token', source.tokens['carts-only']!], 1, /^clientele: the source refused GET \/stores\/src\/v3\/customers\/settings \(403\): the token needs store_v2_customers or store_v2_customers_read_only, and --from must name the token's store$/],
      ['fresh', ['--from', `${source.from}x`, '--token', token], 1, /^clientele: the source refused GET \/stores\/srcx\/v3\/customers\/settings \(403\)/],
      ['fresh', ['--from', unreachable, '--token', token, '--retry-for', '1'], 1, /^clientele: the source kept failing for [\d.]+ s \(ECONNREFUSED on GET \/stores\/src\/v3\/customers\/settings\)$/],
      // Refused before a request is made.
      ['copy', ['--from', source.from, '--token', token], 2, /^clientele: store "copy" holds data: replace it \(--replace\) or clone into an empty or new store$/],
      ['bad hash!', ['--from', source.from, '--token', token], 2, /^clientele: store hash "bad hash!" must be 1-64 letters, digits, "-" or "_"$/],
    ]
    // At once, each with a state folder of its own: process start-ups are most of this test's time.
    const answers = await Promise.all(cases.map(([store, args], n) => clientele('clone', '--store', store, '--state', join(dir, `state-${n}`), ...args)))
    cases.forEach(([store, args, code, message], n) => {
      const refused = answers[n]!
      const what = `${store} ${args.join(' ')}`
      expect(refused.code, what).toBe(code)
      expect(refused.stdout, what).toBe('')
      // Progress lines aside (what it read before the refusal), one line says what is wrong.
      const [line, ...more] = refused.stderr.split('\n').filter((text) => text !== '' && !text.startsWith('clone: '))
      expect(line, what).toMatch(message)
      expect(more, what).toEqual([])
      if (code === 2) expect(refused.stderr, what).toBe(`${line}\n`)
      expect(existsSync(join(dir, `state-${n}`)), what).toBe(false)
    })
    expect(await exportOf('copy')).toBe(local)
    expect(await db.selectFrom('stores').select('hash').orderBy('hash').execute()).toEqual([{ hash: 'copy' }])

    // --replace takes the store over; its API accounts stay.
    const replaced = await clientele(...cloneArgs('--replace'))
    expect(replaced.code, replaced.stderr).toBe(0)
    expect(replaced.stdout).toMatch(/^cloned .* into store copy: 75 customers/)
    expect(await db.selectFrom('api_accounts').select('client_id').execute()).toEqual([{ client_id: 'local-app' }])
    await expectSameStore()
  })
})
