import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { sameOrigin, SESSION_TTL_MS, sessionCookieHeader, type AdminSession, type AdminSessions } from '../core/admin-session.js'
import { INTERNAL_HEADER } from '../core/auth.js'
import { ApiError, csrfRefused, routeNotFound, TITLES, unauthorized } from '../core/errors.js'
import { rawBodyOf } from '../core/http.js'
import { asset, page, PUBLIC_ASSETS } from './assets.js'
import type { ConsoleAccess } from './internal-access.js'

// The console (docs/CONSOLE.md): a page at /console/ for people, on the admin API (which takes
// its session cookie) and on the store's own API, reached through the proxy below. Registered
// only when the admin API is on. Routes:
//   GET    /console/                 the page; without a session, 401 and the sign-in form
//   POST   /console/session          sign in with the admin token (form or JSON)
//   GET    /console/session          the session's CSRF token and expiry
//   DELETE /console/session          sign out
//   GET    /console/assets/<file>    the page's scripts and styles
//   *      /console/api/stores/{hash}/v3/...   the store's API, as an account with every scope

const HTML = 'text/html; charset=utf-8'
const hide = { schema: { hide: true } }

const sessionView = (session: AdminSession) => ({ csrf_token: session.csrfToken, expires_at: new Date(session.expiresAt).toISOString() })

/** A hook's webhooks are an API account's own: the console, not being one, shows them through the admin API instead. */
const ACCOUNT_ONLY = /^hooks(?:\/|$)/

const consolePlugin: FastifyPluginAsync<{ sessions: AdminSessions; access: ConsoleAccess }> = async (app, { sessions, access }) => {
  const sessionOf = (req: FastifyRequest) => sessions.sessionOf(req, app.clock().getTime())
  const signedIn = (req: FastifyRequest) => sessions.signedIn(req, app.clock().getTime())
  const setCookie = (req: FastifyRequest, reply: FastifyReply, value: string, maxAgeMs: number) =>
    reply.header('set-cookie', sessionCookieHeader(value, maxAgeMs, req.protocol === 'https'))

  // The sign-in form posts its field as a browser does; the rest of the console speaks JSON.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  app.get('/', hide, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    const session = sessionOf(req)
    if (!session) return reply.code(401).type(HTML).send(await page('sign-in.html', { error: '' }))
    return reply.type(HTML).send(await page('index.html', { csrf_token: session.csrfToken }))
  })

  app.post('/session', hide, async (req, reply) => {
    // A sign-in is a change too: another origin's page may not make one (the token it would need is a secret anyway).
    if (!sameOrigin(req)) throw csrfRefused()
    const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false
    const token = (req.body as { token?: unknown } | null | undefined)?.token
    reply.header('cache-control', 'no-store')
    if (typeof token !== 'string' || !sessions.isAdminToken(token)) {
      if (!form) throw unauthorized()
      return reply.code(401).type(HTML).send(await page('sign-in.html', { error: 'That is not the admin token.' }))
    }
    const { cookie, session } = sessions.issue(app.clock().getTime())
    setCookie(req, reply, cookie, SESSION_TTL_MS)
    if (form) return reply.code(303).header('location', '/console/').send()
    return { data: sessionView(session) }
  })

  app.get('/session', hide, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return { data: sessionView(signedIn(req)) }
  })

  app.delete('/session', hide, async (req, reply) => {
    signedIn(req)
    setCookie(req, reply, '', 0)
    return reply.code(204).send()
  })

  app.get('/assets/*', hide, async (req, reply) => {
    const path = (req.params as { '*': string })['*']
    if (!PUBLIC_ASSETS.has(path)) signedIn(req)
    const file = await asset(path)
    if (!file) throw routeNotFound()
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body)
  })

  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE'],
    url: '/api/stores/:hash/v3/*',
    ...hide,
    handler: async (req, reply) => {
      signedIn(req)
      const { hash, '*': rest } = req.params as { hash: string; '*': string }
      if (ACCOUNT_ONLY.test(rest)) {
        throw new ApiError(403, TITLES.missingScope, {}, "Webhooks belong to an API account: the console shows every account's hooks and deliveries on its webhooks panel.")
      }
      // The URL as sent, less the console's prefix: its encoding and query reach the API untouched.
      const url = req.url.replace(/^\/+console\/+api(?=\/)/, '')
      const body = rawBodyOf(req)
      const answer = await app.inject({
        method: req.method as 'GET',
        url,
        headers: { accept: 'application/json', [INTERNAL_HEADER]: access.secret, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: body } : {}),
      })
      // With our own secret, only a store that does not exist is refused.
      if (answer.statusCode === 401) throw new ApiError(404, TITLES.notFound, {}, `no store "${hash}"`)
      const type = answer.headers['content-type']
      if (type !== undefined) reply.type(String(type))
      return reply.code(answer.statusCode).send(answer.rawPayload)
    },
  })
}

export default consolePlugin
