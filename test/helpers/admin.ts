import type { App } from '../../src/app.js'
import { ADMIN_TOKEN, send, type Response } from './app.js'

// The admin API as the tests call it: injected into an app (a TestApp, or `{ app }` for one built
// by the test), with the admin token as the bearer.

/** An admin API request to /admin{path}; `token` null sends no authorization header. */
export function admin(t: { app: App }, method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<Response> {
  return send(t.app, method, `/admin${path}`, body, token === null ? {} : { authorization: `Bearer ${token}` })
}
