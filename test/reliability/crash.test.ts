import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_SCOPES } from '../../src/core/scopes.js'
import { readCounter } from '../../src/db/counters.js'
import type { Database } from '../../src/db/schema.js'
import { createAccount, createStore } from '../../src/stores/service.js'
import { BACKENDS, type Backend } from '../helpers/backends.js'
import { processDatabase, type ProcessDatabase } from '../helpers/process.js'
import { call, keepAliveAgent, startNode, type Node } from './nodes.js'
import { random } from './random.js'
import { closingLine } from './report.js'

// Crash: a `clientele serve` process writing 10-customer batches is killed with SIGKILL at a
// random moment, again and again. After each kill, every batch the server acknowledged is
// wholly in the database, with the ids it answered; every other batch is wholly there (it
// committed, the answer was lost) or wholly absent, never in part; the store's counters match its
// rows; and the restarted server lists exactly what the database holds. The two backends run side
// by side. CRASH_CYCLES and CRASH_SEED change the count and the kill times.
//
// A process takes a second or more to start (module loading), far longer than it writes before
// being killed; so the next server starts while the current one writes, on the same database,
// and takes over once the current one is dead (it has served nothing before then).

const CYCLES = Number(process.env.CRASH_CYCLES ?? 100)
const SEED = Number(process.env.CRASH_SEED ?? 20261123)
const WRITERS = 4
const BATCH = 10
/** how long the server writes before it is killed: long enough for tens of batches */
const KILL_AFTER_MS = { min: 20, max: 250 }
/**
 * Starting a server costs about two CPU-seconds (module loading), and the suite starts 200 of
 * them: minutes on a busy two-core machine, so more than the default test timeout.
 */
const TIMEOUT_MS = 30 * 60_000
const STORE = 'crash'

interface Batch {
  id: string
  state: 'sent' | 'acknowledged' | 'cut'
  /** email -> id, as the server answered */
  ids?: Map<string, number>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Ten customers whose emails carry the batch id: `c7b12i3@crash.test`. */
function batchBody(batch: string): unknown[] {
  return Array.from({ length: BATCH }, (_, i) => ({ email: `${batch}i${i}@crash.test`, first_name: 'Crash', last_name: `Batch ${batch}` }))
}

/** The batch an email belongs to: `c7b12i3@crash.test` -> `c7b12`. */
const batchOf = (email: string) => email.slice(0, email.indexOf('i'))

describe.concurrent.each(BACKENDS)('%s: SIGKILL while writing batches', (backend: Backend) => {
  let database: ProcessDatabase
  let db: Kysely<Database>
  let token: string
  let storeId: number
  let node: Node | undefined
  let standby: Promise<Node> | undefined

  beforeAll(async () => {
    database = await processDatabase(backend)
    db = await database.open()
    await createStore(db, STORE)
    token = (await createAccount(db, { storeHash: STORE, scopes: ALL_SCOPES })).access_token
    storeId = (await db.selectFrom('stores').select('id').where('hash', '=', STORE).executeTakeFirstOrThrow()).id
  })
  afterAll(async () => {
    node?.server.child.kill('SIGKILL')
    ;(await standby?.catch(() => undefined))?.server.child.kill('SIGKILL')
    await database.remove()
  })

  /** Writes batches from WRITERS connections until the server dies; every batch sent, with its fate. */
  async function writeUntilKilled(cycle: number, target: Node, killAfterMs: number): Promise<Batch[]> {
    const { origin, server } = target
    const agent = keepAliveAgent(WRITERS)
    const batches: Batch[] = []
    let writing = true
    const writer = async () => {
      while (writing) {
        const batch: Batch = { id: `c${cycle}b${batches.length}`, state: 'sent' }
        batches.push(batch)
        const outcome = await call(agent, origin, 'POST', `/stores/${STORE}/v3/customers`, token, batchBody(batch.id))
        if (outcome === 'cut') {
          batch.state = 'cut'
          return
        }
        if (outcome.status !== 200) throw new Error(`batch ${batch.id}: ${outcome.status} ${JSON.stringify(outcome.body)}`)
        batch.state = 'acknowledged'
        batch.ids = new Map(outcome.body.data.map((c: { email: string; id: number }) => [c.email, c.id]))
      }
    }
    const writers = Array.from({ length: WRITERS }, writer)
    await sleep(killAfterMs)
    server.child.kill('SIGKILL')
    writing = false
    await Promise.all(writers)
    await server.exited
    agent.destroy()
    return batches
  }

  it(`keeps every acknowledged batch whole and no batch in part, over ${CYCLES} kills`, async () => {
    const next = random(SEED)
    const tally = { acknowledged: 0, cutCommitted: 0, cutAbsent: 0, customers: 0 }

    standby = startNode(database.env)
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const current = await standby!
      node = current
      standby = cycle + 1 < CYCLES ? startNode(database.env) : undefined
      // After the restart, the server lists what the database holds.
      const agent = keepAliveAgent(1)
      const listed = await call(agent, current.origin, 'GET', `/stores/${STORE}/v3/customers?limit=1`, token)
      agent.destroy()
      expect(listed === 'cut' ? 'cut' : listed.body.meta.pagination.total).toBe(tally.customers)

      const batches = await writeUntilKilled(cycle, current, KILL_AFTER_MS.min + next() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min))
      node = undefined

      const rows = await db
        .selectFrom('customers')
        .select(['id', 'email'])
        .where('store_id', '=', storeId)
        .where('email_key', 'like', `c${cycle}b%`)
        .execute()
      const found = new Map<string, Map<string, number>>()
      for (const row of rows) {
        const batch = batchOf(row.email)
        if (!found.has(batch)) found.set(batch, new Map())
        found.get(batch)!.set(row.email, row.id)
      }
      for (const batch of batches) {
        const stored = found.get(batch.id) ?? new Map<string, number>()
        if (batch.state === 'acknowledged') {
          expect({ batch: batch.id, stored: [...stored] }).toEqual({ batch: batch.id, stored: [...batch.ids!] })
          tally.acknowledged++
        } else {
          expect({ batch: batch.id, state: batch.state, rows: stored.size }).toEqual({ batch: batch.id, state: batch.state, rows: stored.size === 0 ? 0 : BATCH })
          if (stored.size === 0) tally.cutAbsent++
          else tally.cutCommitted++
        }
      }
      expect([...found.keys()].filter((id) => !batches.some((batch) => batch.id === id))).toEqual([])
      tally.customers += rows.length

      // The store's counters moved with its rows, in the same transactions.
      const total = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where('store_id', '=', storeId).executeTakeFirstOrThrow()
      const maxId = await db.selectFrom('customers').select((eb) => eb.fn.max('id').as('id')).where('store_id', '=', storeId).executeTakeFirstOrThrow()
      expect(Number(total.n)).toBe(tally.customers)
      expect(await readCounter(db, storeId, 'customers.count')).toBe(tally.customers)
      expect(await readCounter(db, storeId, 'customers.last_id')).toBeGreaterThanOrEqual(Number(maxId.id ?? 0))
    }

    closingLine(
      `crash (${backend}): ${CYCLES} cycles killed with SIGKILL while writing; ${tally.acknowledged} acknowledged batches all whole after restart; ` +
        `${tally.cutCommitted + tally.cutAbsent} cut by the kill: ${tally.cutCommitted} committed whole, ${tally.cutAbsent} absent, 0 in part; ` +
        `${tally.customers} customers (seed ${SEED})`,
    )
  }, TIMEOUT_MS)
})
