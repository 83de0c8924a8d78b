import type { App } from '../../src/app.js'
import { ADMIN_TOKEN, send, type Response } from './app.js'

// The console as a browser uses it: signed in once, its cookie on every request, its CSRF token on
// every change (unless a test leaves it out).

export interface ConsoleSession {
  /** the session cookie's value */
  cookie: string
  csrf: string
  /** a request with the cookie; `csrf: null` leaves the CSRF token out, a string sends that one */
  request(method: string, url: string, body?: unknown, options?: { csrf?: string | null; headers?: Record<string, string> }): Promise<Response>
}

export async function consoleSession(app: App, token = ADMIN_TOKEN): Promise<ConsoleSession> {
  const res = await send(app, 'POST', '/console/session', { token })
  if (res.status !== 200) throw new Error(`console sign-in: ${res.status} ${res.text}`)
  const cookie = /^clientele_console=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1]
  if (!cookie) throw new Error(`console sign-in: no cookie in ${String(res.headers['set-cookie'])}`)
  const csrf: string = res.body.data.csrf_token
  return {
    cookie,
    csrf,
    request: (method, url, body, options = {}) => {
      const given = options.csrf === undefined ? csrf : options.csrf
      const headers: Record<string, string> = { cookie: `clientele_console=${cookie}`, ...options.headers }
      if (given !== null && !['GET', 'HEAD'].includes(method)) headers['x-csrf-token'] = given
      return send(app, method, url, body, headers)
    },
  }
}
