import { SourceError, type SourceAnswer, type SourceClient } from './http.js'
import { PHASES, type KeyedItem, type KeyedPhase, type ListPhase, type Phase } from './phases.js'
import type { Progress } from './progress.js'
import { apiUrl, checkedUrl, nextPage, type SourceUrl } from './source-url.js'
import type { CloneState } from './state.js'

// Runs the phases (phases.ts) that the state does not hold yet, checkpointing after every request,
// so that an interrupted clone resumes at the request it had not finished.

export interface FetchContext {
  client: SourceClient
  source: SourceUrl
  state: CloneState
  progress: Progress
  /** items per list request */
  pageSize: number
}

export async function fetchAll(context: FetchContext): Promise<void> {
  const { state, progress } = context
  for (const phase of PHASES) {
    if (state.phase(phase.name).done) continue
    if (phase.needed && !(await phase.needed(state))) {
      state.finish(phase.name)
      continue
    }
    progress.phase(phase.label)
    if (phase.kind === 'list') await fetchList(context, phase)
    else await fetchKeyed(context, phase)
  }
}

async function fetchList(context: FetchContext, phase: ListPhase): Promise<void> {
  const { client, source, state, progress } = context
  const saved = state.phase(phase.name).next
  let url: URL | undefined = saved === undefined ? apiUrl(source, phase.path(context.pageSize)) : checkedUrl(source, saved)
  let page = 0
  while (url) {
    const answer = await client.get(url)
    if (refused(context, phase, answer, url)) return
    const data = (answer.body as { data?: unknown } | undefined)?.data
    if (!Array.isArray(data)) throw new SourceError(`the source's answer to GET ${url.pathname}${url.search} has no "data" list`)
    // A page with nothing on it ends the list, whatever its links say.
    const next: URL | undefined = data.length > 0 ? nextPage(source, answer.body, url) : undefined
    state.checkpoint(phase.name, data, next ? { next: next.href } : { done: true }, 1)
    page += 1
    progress.page(phase.label, page, state.phase(phase.name).items)
    url = next
  }
}

async function fetchKeyed(context: FetchContext, phase: KeyedPhase): Promise<void> {
  const { client, source, state, progress } = context
  const keys = await phase.keys(state)
  if (keys.length === 0) state.finish(phase.name)
  for (let index = state.phase(phase.name).index ?? 0; index < keys.length; index++) {
    const key = keys[index]!
    const url = apiUrl(source, phase.path(key))
    const answer = await client.get(url)
    let item: KeyedItem
    // A customer deleted (or a channel removed) since it was listed: nothing of it to copy.
    if (answer.status === 404 && phase.keysMayVanish) item = { key, status: 404 }
    else if (refused(context, phase, answer, url)) return
    else item = { key, status: answer.status, body: answer.body }
    state.checkpoint(phase.name, [item], { index: index + 1, ...(index + 1 === keys.length ? { done: true } : {}) }, 1)
    progress.keyed(phase.label, index + 1, keys.length, phase.unit)
  }
}

/**
 * Whether the source refused the phase: a phase that may be left out is skipped, whatever the
 * client error (a source may take the request differently: BigCommerce's Channels API is not
 * Clientele's), and said so; for one that may not, the refusal ends the clone with a message
 * naming what the token lacks.
 */
function refused(context: FetchContext, phase: Phase, answer: SourceAnswer, url: URL): boolean {
  if (answer.status >= 200 && answer.status < 300) return false
  const request = `GET ${url.pathname}${url.search}`
  if (phase.optional) {
    const reason = answer.status === 403 ? `the token lacks ${phase.optional.why}` : answer.status === 404 ? 'the source does not serve it' : 'the source refused it'
    context.state.skip(phase.name, `${answer.status}: ${reason}`)
    context.progress.note(`${phase.label}: left out (${answer.status} on ${request}: ${reason})`)
    return true
  }
  if (answer.status === 403) {
    throw new SourceError(`the source refused ${request} (403): the token needs ${phase.scopes.join(' or ')}, and --from must name the token's store`)
  }
  if (answer.status === 404) throw new SourceError(`the source has no ${request} (404): is --from the store's API base, like https://api.bigcommerce.com/stores/<hash>?`)
  const title = (answer.body as { title?: unknown } | undefined)?.title
  throw new SourceError(`the source answered ${answer.status}${typeof title === 'string' ? ` (${title})` : ''} to ${request}`)
}
