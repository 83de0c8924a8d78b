import { resolve } from 'node:path'
import { formatTimestamp } from '../../core/dates.js'
import { listChannels, type Channel } from '../../stores/channels.js'
import { holdsData, importStore } from '../../stores/dump/import.js'
import { StoreAdminError, storeIdOf } from '../../stores/lookup.js'
import { checkStoreHash } from '../../stores/service.js'
import { print, withDatabase, type Db } from '../shared.js'
import { fetchAll } from './fetch.js'
import { SourceClient } from './http.js'
import { notCopied } from './not-copied.js'
import { Progress } from './progress.js'
import { parseSourceUrl } from './source-url.js'
import { CloneState } from './state.js'
import { cloneFileLines, type CloneFileSummary } from './store-file.js'

// One run of `clientele clone` (command.ts has its options; docs/CLONE.md what it does).

/** The options command.ts reads. */
export interface CloneOptions {
  from: string
  token?: string
  store: string
  replace?: boolean
  resume?: boolean
  state?: string
  retryFor: number
  pageSize: number
}

/** A request, headers and body, must be answered within this. */
const REQUEST_TIMEOUT_MS = 30_000

export async function clone(options: CloneOptions): Promise<void> {
  const began = Date.now()
  const token = options.token ?? process.env.CLIENTELE_CLONE_TOKEN
  if (!token) throw new Error('--token (or CLIENTELE_CLONE_TOKEN) must give an API token of the source store')
  const source = parseSourceUrl(options.from)
  checkStoreHash(options.store)
  // Refused now, not after hours of reading: a store holding data without --replace.
  let localChannels: Channel[] = []
  await withDatabase(async (db) => {
    localChannels = await localChannelsOf(db, options)
  })

  const dir = resolve(options.state ?? `.clientele-clone-${options.store}`)
  const { state, resumed } = CloneState.open(dir, { source: source.label, store: options.store, started: formatTimestamp(new Date()), resume: options.resume === true })
  const client = new SourceClient({ token, retryForMs: options.retryFor * 1000, timeoutMs: REQUEST_TIMEOUT_MS, onEvent: (event) => progress.event(event) })
  const progress = new Progress(() => client.requests)
  if (options.resume) progress.note(resumed ? `resuming from ${dir} (${state.data.requests} requests made before)` : `no earlier clone in ${dir}: starting afresh`)

  // Ctrl-C while reading loses nothing (each checkpoint is written whole between two events): say how to go on.
  const interrupted = () => {
    progress.end()
    process.stderr.write(`clientele: ${kept(state, new Error('interrupted'), 'run the same command with --resume to continue').message}\n`)
    process.exit(130)
  }
  process.once('SIGINT', interrupted)
  try {
    await fetchAll({ client, source, state, progress, pageSize: options.pageSize })
  } catch (error) {
    progress.end()
    throw kept(state, error, 'run the same command with --resume to continue')
  } finally {
    process.off('SIGINT', interrupted)
  }

  progress.note(`writing store ${options.store} in one transaction`)
  const summary: CloneFileSummary = { customers: 0, formFields: 0, orphans: 0, customersGone: new Set(), unnamedChannels: [] }
  let written: Awaited<ReturnType<typeof importStore>> | undefined
  try {
    await withDatabase(async (db) => {
      written = await importStore(db, { hash: options.store, replace: options.replace === true }, cloneFileLines(state, { started: state.data.started, storeHash: options.store, localChannels }, summary))
    })
  } catch (error) {
    progress.end()
    throw kept(state, error, 'nothing was written; --resume writes it again without reading the source again')
  }
  state.remove()
  progress.end()

  const took = Math.round((Date.now() - began) / 100) / 10
  print(`cloned ${source.label} into ${written!.created ? 'new ' : ''}store ${options.store}: ${summary.customers} customers, ${written!.rows} rows, ${state.data.requests} requests, ${took} s`)
  const renumbered = Object.entries(written!.renumbered).map(([table, n]) => `${n} ${table}`)
  if (renumbered.length > 0) print(`given new ids (another store of this database holds theirs): ${renumbered.join(', ')}`)
  print('not copied:')
  for (const line of notCopied(state, summary)) print(`- ${line}`)
}

/** The local store's channels (kept names the source may not show); refuses a store holding data unless --replace. */
async function localChannelsOf(db: Db, options: CloneOptions): Promise<Channel[]> {
  let storeId: number
  try {
    storeId = await storeIdOf(db, options.store)
  } catch (error) {
    if (error instanceof StoreAdminError && error.kind === 'not_found') return []
    throw error
  }
  if (!options.replace && (await holdsData(db, storeId))) {
    throw new StoreAdminError('conflict', `store "${options.store}" holds data: replace it (--replace) or clone into an empty or new store`)
  }
  return listChannels(db, options.store)
}

/** The error of a failed clone, in one line, saying where its work is kept; a state holding nothing is removed. */
function kept(state: CloneState, error: unknown, next: string): Error {
  const message = error instanceof Error ? error.message : String(error)
  if (!state.fetchedAnything) {
    state.remove()
    return error instanceof StoreAdminError ? error : new Error(message)
  }
  const text = `${message}; what was read is kept in ${state.dir}: ${next}`
  return error instanceof StoreAdminError ? new StoreAdminError(error.kind, text) : new Error(text)
}
