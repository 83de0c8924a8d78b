import { describe, expect, it, vi } from 'vitest'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { freePort, run, start, useProcessDatabase, type Env, type RunningProcess } from './helpers/process.js'
import { serve } from './helpers/serve.js'

// `clientele logs tail --store <hash>` against a real `clientele serve`: the request inspector's
// live stream, one line per API request, in colour only where colour is wanted, until Ctrl-C.

const ADMIN = 'logs-tail-admin-token'
const DEV_TOKEN = 'logs-tail-dev-token-0123'
const LINE = /^\d\d:\d\d:\d\d\.\d{3} (GET|POST|PUT|DELETE) \S+ \d{3} \d+(\.\d)?ms \S+$/

/** Starts a tail and waits until it is following (it says so on stderr). */
async function following(args: string[], env: Env): Promise<RunningProcess> {
  const tail = start(['logs', 'tail', ...args], env)
  await vi.waitFor(() => {
    if (tail.child.exitCode !== null) throw new Error(`tail ended: ${tail.stderr()}`)
    expect(tail.stderr()).toMatch(/^following the API requests to store "dev" on http:\/\/127\.0\.0\.1:\d+ \(Ctrl-C to stop\)\n/)
  }, { timeout: 15_000, interval: 50 })
  return tail
}

describe.each(BACKENDS)('%s: clientele logs tail', (backend: Backend) => {
  const database = useProcessDatabase(backend)

  it('prints one line per request as it is answered (filters, colour on demand, never with NO_COLOR), and stops on Ctrl-C', async () => {
    const { server, origin } = await serve(database, { ADMIN_TOKEN: ADMIN, CLIENTELE_DEV_TOKEN: DEV_TOKEN })
    const clientId = /client id: +(\S+)/.exec(server.stdout())![1]!
    const port = new URL(origin).port
    const plain = await following(['--store', 'dev', '--url', origin, '--admin-token', ADMIN], {})
    const errors = await following(['--store', 'dev', '--url', origin, '--admin-token', ADMIN, '--status', '4xx'], { FORCE_COLOR: '1' })
    // The server and the token from HOST, PORT and ADMIN_TOKEN, as `serve` reads them. NO_COLOR
    // wins over FORCE_COLOR here (Node 22 and later warn on stderr that they see both: not ours).
    const fromEnv = await following(['--store', 'dev'], { HOST: '127.0.0.1', PORT: port, ADMIN_TOKEN: ADMIN, FORCE_COLOR: '1', NO_COLOR: '1', NODE_NO_WARNINGS: '1' })

    const api = (path: string, token: string) => fetch(`${origin}/stores/dev/v3${path}`, { headers: { 'x-auth-token': token, accept: 'application/json' } })
    expect((await api('/customers?limit=1', DEV_TOKEN)).status).toBe(200)
    expect((await api('/customers?limit=2', 'not-the-token')).status).toBe(401)

    const ok = await plain.waitForLine(/ GET \/customers\?limit=1 200 /)
    expect(ok).toMatch(LINE)
    expect(ok.endsWith(` ${clientId}`)).toBe(true)
    expect(await plain.waitForLine(/ GET \/customers\?limit=2 401 /)).toMatch(/ 401 \d+(\.\d)?ms -$/)

    const coloured = await errors.waitForLine(/limit=2/)
    expect(coloured).toContain('\x1b[33m401\x1b[0m')
    expect(errors.stdout()).not.toContain('limit=1')

    await fromEnv.waitForLine(/limit=2/)
    expect(fromEnv.stdout()).not.toContain('\x1b[')
    expect(fromEnv.stdout().trimEnd().split('\n').map((line) => LINE.test(line))).toEqual([true, true])

    for (const tail of [plain, errors, fromEnv]) expect(await tail.stop('SIGINT')).toEqual({ code: 0, signal: null })
    // Nothing it prints holds a token.
    for (const text of [plain.stdout(), plain.stderr()]) expect(text).not.toContain(DEV_TOKEN)

    // A refused token and an unknown store: one line each, and it ends.
    const refused = await run(['logs', 'tail', '--store', 'dev', '--url', origin, '--admin-token', 'wrong'], {})
    expect(refused).toMatchObject({ code: 1, stdout: '' })
    expect(refused.stderr).toBe(`clientele: ${origin} refused the admin token (401): give the server's ADMIN_TOKEN (--admin-token, or ADMIN_TOKEN)\n`)
    const unknown = await run(['logs', 'tail', '--store', 'nope', '--url', origin, '--admin-token', ADMIN], {})
    expect(unknown).toMatchObject({ code: 2, stderr: `clientele: no store "nope" on ${origin}\n` })
    await server.stop()
  }, 60_000)
})

describe('clientele logs tail without a server', () => {
  it('says it cannot reach it, in one line, and exits 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const result = await run(['logs', 'tail', '--store', 'dev', '--url', url, '--admin-token', ADMIN], {})
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: `clientele: cannot reach ${url}: ECONNREFUSED\n` })
  })

  it('asks for the admin token when it has none', async () => {
    const result = await run(['logs', 'tail', '--store', 'dev'], {})
    expect(result).toMatchObject({ code: 1, stderr: 'clientele: give --admin-token or set ADMIN_TOKEN: the inspector is read through the admin API\n' })
  })
})
