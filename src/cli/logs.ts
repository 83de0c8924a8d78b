import type { Command } from 'commander'
import { loadConfig } from '../core/config.js'
import type { Entry } from '../inspector/entry.js'
import { StoreAdminError } from '../stores/lookup.js'
import { EventStreamParser } from './event-stream.js'

// `clientele logs tail --store <hash>`: the request inspector's live stream of a running server
// (GET /admin/stores/{hash}/requests/stream), one line per API request, until Ctrl-C. A stream
// that drops (the server restarting) is opened again where it stopped (Last-Event-ID).

interface TailOptions {
  store: string
  url?: string
  adminToken?: string
  status?: string
  method?: string
  pathPrefix?: string
  clientId?: string
}

const RECONNECT_MS = 1_000

const ANSI = { reset: '\x1b[0m', dim: '\x1b[2m', bold: '\x1b[1m', green: '\x1b[32m', cyan: '\x1b[36m', yellow: '\x1b[33m', red: '\x1b[31m' }

/**
 * Colour on a terminal that has it; never with NO_COLOR (https://no-color.org); FORCE_COLOR asks
 * for it on a pipe too.
 */
export function wantsColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true
  return stream.isTTY === true && stream.hasColors()
}

function statusColor(status: number): string {
  if (status >= 500) return ANSI.red
  if (status >= 400) return ANSI.yellow
  if (status >= 300) return ANSI.cyan
  return ANSI.green
}

const two = (n: number) => String(n).padStart(2, '0')

/** `12:04:05.123 GET /customers?limit=5 200 3.2ms client-id`: the path under the store's /stores/{hash}/v3, the time the viewer's. */
export function formatEntry(entry: Entry, hash: string, color: boolean): string {
  const at = new Date(entry.time)
  const time = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`
  const base = `/stores/${hash}/v3`
  const path = entry.path.startsWith(`${base}/`) ? entry.path.slice(base.length) : entry.path
  const target = entry.query === '' ? path : `${path}?${entry.query}`
  const latency = `${entry.latency_ms < 10 ? entry.latency_ms.toFixed(1) : Math.round(entry.latency_ms)}ms`
  const client = entry.client_id ?? '-'
  if (!color) return `${time} ${entry.method} ${target} ${entry.status} ${latency} ${client}`
  return `${ANSI.dim}${time}${ANSI.reset} ${ANSI.bold}${entry.method}${ANSI.reset} ${target} ${statusColor(entry.status)}${entry.status}${ANSI.reset} ${latency} ${ANSI.dim}${client}${ANSI.reset}`
}

/** The server the CLI talks to by default: HOST and PORT, as `serve` reads them (a wildcard address is reached on loopback). */
function defaultUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The title of an error envelope, else the status. */
async function titleOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    return (JSON.parse(text) as { title?: string }).title ?? `status ${response.status}`
  } catch {
    return `status ${response.status}`
  }
}

async function refusal(response: Response, base: string): Promise<Error> {
  if (response.status === 401) return new Error(`${base} refused the admin token (401): give the server's ADMIN_TOKEN (--admin-token, or ADMIN_TOKEN)`)
  const title = await titleOf(response)
  if (response.status === 404 && title === 'Not Found') return new Error(`${base} has no admin API (404): start it with ADMIN_TOKEN set`)
  if (response.status === 404) return new StoreAdminError('not_found', `${title} on ${base}`)
  return new Error(`${base} answered ${response.status}: ${title}`)
}

const reason = (error: unknown) => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))
}

async function tail(options: TailOptions): Promise<void> {
  const config = loadConfig()
  const base = (options.url ?? defaultUrl(config.host, config.port)).replace(/\/+$/, '')
  const token = options.adminToken ?? config.adminToken
  if (!token) throw new Error('give --admin-token or set ADMIN_TOKEN: the inspector is read through the admin API')
  const url = new URL(`${base}/admin/stores/${encodeURIComponent(options.store)}/requests/stream`)
  const filters = { status: options.status, method: options.method, path_prefix: options.pathPrefix, client_id: options.clientId }
  for (const [name, value] of Object.entries(filters)) if (value !== undefined) url.searchParams.set(name, value)

  const color = wantsColor(process.stdout)
  const stop = new AbortController()
  process.once('SIGINT', () => stop.abort())
  let lastId: string | undefined
  let followed = false
  const parser = new EventStreamParser((event) => {
    lastId = event.id ?? lastId
    process.stdout.write(`${formatEntry(JSON.parse(event.data) as Entry, options.store, color)}\n`)
  })

  while (!stop.signal.aborted) {
    let response: Response
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': lastId } : {}) },
        signal: stop.signal,
      })
    } catch (error) {
      if (stop.signal.aborted) break
      // Unreachable at the start is an answer; later, the server is restarting.
      if (!followed) throw new Error(`cannot reach ${base}: ${reason(error)}`)
      await sleep(RECONNECT_MS)
      continue
    }
    if (!response.ok || !response.body) throw await refusal(response, base)
    process.stderr.write(followed ? 'reconnected\n' : `following the API requests to store "${options.store}" on ${base} (Ctrl-C to stop)\n`)
    followed = true
    const decoder = new TextDecoder()
    try {
      for await (const chunk of response.body) parser.push(decoder.decode(chunk, { stream: true }))
    } catch {
      // the connection dropped, or Ctrl-C
    }
    if (stop.signal.aborted) break
    process.stderr.write('the stream ended; reconnecting ...\n')
    await sleep(RECONNECT_MS)
  }
}

export function registerLogsCommands(program: Command): void {
  const logs = program.command('logs').description("a store's API requests, as a running server's request inspector keeps them (secrets redacted)")
  logs
    .command('tail')
    .description('print each API request to a store as it is answered, one line each, until Ctrl-C (colour on a terminal; NO_COLOR turns it off)')
    .requiredOption('--store <hash>', 'the store')
    .option('--url <url>', 'the running server (default http://HOST:PORT)')
    .option('--admin-token <token>', "the server's admin token (default ADMIN_TOKEN)")
    .option('--status <status>', 'only this status (404) or class (4xx)')
    .option('--method <method>', 'only this method')
    .option('--path-prefix <path>', 'only paths starting so, under /stores/{hash}/v3 (/customers)')
    .option('--client-id <id>', "only this API account's requests")
    .action((options: TailOptions) => tail(options))
}
