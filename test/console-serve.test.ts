import { describe, expect, it } from 'vitest'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { useProcessDatabase } from './helpers/process.js'
import { serve } from './helpers/serve.js'

// The console as `clientele serve` offers it: in dev mode (a dev store, on loopback, no
// ADMIN_TOKEN) the process makes an admin token and prints a link that signs in with it; with
// ADMIN_TOKEN set, the page is there to sign in with that; elsewhere, or with CONSOLE=off, no page.

const CONSOLE_LINE = /^Console: (http:\/\/127\.0\.0\.1:\d+\/console\/)#token=([\w-]{32})   \(dev mode: ADMIN_TOKEN is unset, so this process made one\)$/m

async function signIn(origin: string, token: string) {
  return fetch(`${origin}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })
}

describe.each(BACKENDS)('%s: the console of `clientele serve`', (backend: Backend) => {
  const database = useProcessDatabase(backend)

  it('dev mode: prints a link whose token signs in to the console and opens the admin API', async () => {
    const { server, origin } = await serve(database)
    try {
      const [, page, token] = CONSOLE_LINE.exec(server.stdout()) ?? []
      expect(page).toBe(`${origin}/console/`)
      // `logs tail` has no ADMIN_TOKEN to read in dev mode: the line says which token to give it.
      expect(server.stdout()).toContain(`\`clientele logs tail --store <hash> --admin-token ${token}\``)
      const signedOut = await fetch(page!)
      expect(signedOut.status).toBe(401)
      expect(await signedOut.text()).toContain('action="/console/session"')
      const signed = await signIn(origin, token!)
      expect(signed.status).toBe(200)
      const cookie = signed.headers.get('set-cookie')!.split(';')[0]!
      const shell = await fetch(page!, { headers: { cookie } })
      expect(shell.status).toBe(200)
      const stores = await fetch(`${origin}/admin/stores`, { headers: { authorization: `Bearer ${token}` } })
      expect(((await stores.json()) as { data: { hash: string }[] }).data.map((s) => s.hash)).toEqual(['dev'])
      expect((await signIn(origin, 'not-the-token')).status).toBe(401)
    } finally {
      await server.stop()
    }
  })

  it('with ADMIN_TOKEN: the console signs in with it, and the log holds no token', async () => {
    const { server, origin } = await serve(database, { ADMIN_TOKEN: 'console-admin-token-1' })
    try {
      expect(server.stdout()).toContain(`Console: ${origin}/console/ (sign in with ADMIN_TOKEN)`)
      expect(server.stdout()).not.toContain('#token=')
      expect((await signIn(origin, 'console-admin-token-1')).status).toBe(200)
    } finally {
      await server.stop()
    }
  })

  it.each([
    ['CONSOLE=off', { CONSOLE: 'off' }],
    ['no dev store', { CLIENTELE_DEV_STORE: 'false' }],
    ['a host others can reach', { HOST: '0.0.0.0' }],
  ])('%s without ADMIN_TOKEN: no console and no admin API', async (_, env) => {
    const { server, origin } = await serve(database, env)
    try {
      expect(server.stdout()).not.toContain('Console:')
      expect((await fetch(`${origin}/console/`)).status).toBe(404)
      expect((await fetch(`${origin}/admin/stores`)).status).toBe(404)
    } finally {
      await server.stop()
    }
  })

  it('CONSOLE=off with ADMIN_TOKEN: the admin API, no page', async () => {
    const { server, origin } = await serve(database, { CONSOLE: 'off', ADMIN_TOKEN: 'console-admin-token-2' })
    try {
      expect(server.stdout()).not.toContain('Console:')
      expect((await fetch(`${origin}/console/`)).status).toBe(404)
      expect((await fetch(`${origin}/admin/stores`, { headers: { authorization: 'Bearer console-admin-token-2' } })).status).toBe(200)
    } finally {
      await server.stop()
    }
  })
})
