import { describe, expect, it } from 'vitest'
import { listStores } from '../src/stores/service.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { run, start, useProcessDatabase } from './helpers/process.js'
import { listCustomers, serve } from './helpers/serve.js'

// The dev store a first start creates, as a CI script controls it: a token chosen in advance
// (CLIENTELE_DEV_TOKEN), or no dev store and no token in the log (CLIENTELE_DEV_STORE=false).

const TOKEN = 'abc123def456'

describe.each(BACKENDS)('%s: the dev store of a first start', (backend: Backend) => {
  const database = useProcessDatabase(backend)

  it('CLIENTELE_DEV_TOKEN makes the dev store answer that token', async () => {
    const { server, origin, token } = await serve(database, { CLIENTELE_DEV_TOKEN: TOKEN })
    expect(token).toBe(TOKEN)
    expect(server.stdout()).toContain('(from CLIENTELE_DEV_TOKEN)')
    // The account's client secret, which its webhook deliveries are signed with, is printed too.
    const secret = /client secret: (\S+)/.exec(server.stdout())?.[1]
    const db = await database.open()
    const stored = await db.selectFrom('api_accounts').select('client_secret').executeTakeFirstOrThrow()
    expect(secret).toBe(stored.client_secret)
    const list = await listCustomers(origin, TOKEN)
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ data: [], meta: { pagination: { total: 0 } } })
    expect((await listCustomers(origin, 'wrong-token-value')).status).toBe(401)
    await server.stop()
  })

  it('a second start with the same CLIENTELE_DEV_TOKEN serves; with another one it is refused', async () => {
    await (await serve(database, { CLIENTELE_DEV_TOKEN: TOKEN })).server.stop()

    const again = await serve(database, { CLIENTELE_DEV_TOKEN: TOKEN })
    expect(again.server.stdout()).not.toContain('access token')
    expect((await listCustomers(again.origin, TOKEN)).status).toBe(200)
    await again.server.stop()

    const refused = await run(['serve'], { PORT: '0', LOG_LEVEL: 'silent', ...database.env, CLIENTELE_DEV_TOKEN: 'another-token-999' })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^clientele: CLIENTELE_DEV_TOKEN is not the token of this database's dev store/)
    expect(refused.stdout).not.toContain('Clientele is serving')
  })

  it('refuses a CLIENTELE_DEV_TOKEN too short to be a secret, creating nothing', async () => {
    const refused = await run(['serve'], { PORT: '0', LOG_LEVEL: 'silent', ...database.env, CLIENTELE_DEV_TOKEN: 'short' })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('CLIENTELE_DEV_TOKEN must be 12-128 letters, digits')
    expect(await listStores(await database.open())).toEqual([])
  })

  it('CLIENTELE_DEV_STORE=false creates no store and prints no token', async () => {
    const { server, origin, token } = await serve(database, { CLIENTELE_DEV_STORE: 'false' })
    expect(token).toBeUndefined()
    expect(server.stdout()).not.toMatch(/token|curl/i)
    expect((await fetch(`${origin}/healthz`)).status).toBe(200)
    expect(await listStores(database.connect())).toEqual([])
    await server.stop()
  })

  it('serve --no-dev-store does the same', async () => {
    const server = start(['serve', '--no-dev-store'], { PORT: '0', LOG_LEVEL: 'silent', ...database.env })
    await server.waitForLine(/^API docs: /)
    expect(server.stdout()).not.toMatch(/token|curl/i)
    expect(await listStores(database.connect())).toEqual([])
    await server.stop()
  })
})
