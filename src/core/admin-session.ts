import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { csrfRefused, unauthorized } from './errors.js'

// The console's sign-in: the admin token, given once, becomes a session cookie (HttpOnly,
// SameSite=Strict) that the admin API and the console accept in place of the bearer token.
// Sessions are stateless: the cookie is `expiry.nonce.mac`, signed with a key derived from the
// admin token, so every node that shares ADMIN_TOKEN accepts it, and changing ADMIN_TOKEN ends
// every session at once. A change made with the cookie must also carry the session's CSRF token
// (X-CSRF-Token), which is derived from the same nonce: a page of another origin can make the
// browser send the cookie, never read the token.

export const SESSION_COOKIE = 'clientele_console'
export const CSRF_HEADER = 'x-csrf-token'
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

export interface AdminSession {
  /** what every change made with this session carries in X-CSRF-Token */
  csrfToken: string
  /** Unix milliseconds */
  expiresAt: number
}

/** Methods that change nothing, so need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Whether two secrets are equal, in constant time for equal lengths. Bytes are compared: a header's text may hold characters of more than one byte. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export class AdminSessions {
  readonly #key: Buffer
  readonly #token: Buffer

  constructor(adminToken: string) {
    this.#key = createHash('sha256').update(`clientele console session\0${adminToken}`).digest()
    this.#token = createHash('sha256').update(adminToken).digest()
  }

  #mac(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('base64url')
  }

  /** Whether `given` is the admin token; constant-time whatever its length (digests of equal length are compared). */
  isAdminToken(given: string): boolean {
    return timingSafeEqual(createHash('sha256').update(given).digest(), this.#token)
  }

  /** A new session: the cookie's value and what the page is told. */
  issue(nowMs: number): { cookie: string; session: AdminSession } {
    const nonce = randomBytes(18).toString('base64url')
    const expiresAt = nowMs + SESSION_TTL_MS
    const body = `${expiresAt}.${nonce}`
    return { cookie: `${body}.${this.#mac(`session:${body}`)}`, session: { csrfToken: this.#mac(`csrf:${nonce}`), expiresAt } }
  }

  /** The session a cookie value stands for, when it is one of ours and has not expired. */
  verify(cookie: string | undefined, nowMs: number): AdminSession | undefined {
    if (cookie === undefined) return undefined
    const parts = cookie.split('.')
    if (parts.length !== 3) return undefined
    const [expiry, nonce, mac] = parts as [string, string, string]
    if (!sameSecret(mac, this.#mac(`session:${expiry}.${nonce}`))) return undefined
    const expiresAt = Number(expiry)
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= nowMs) return undefined
    return { csrfToken: this.#mac(`csrf:${nonce}`), expiresAt }
  }

  /** The request's session, which a change must carry the CSRF token of: 401 without one, 403 for a change without its token. */
  signedIn(req: FastifyRequest, nowMs: number): AdminSession {
    const session = this.sessionOf(req, nowMs)
    if (!session) throw unauthorized()
    if (!changeAllowed(req, session)) throw csrfRefused()
    return session
  }

  /** The request's session, from its cookie. */
  sessionOf(req: FastifyRequest, nowMs: number): AdminSession | undefined {
    return this.verify(cookieValue(req.headers.cookie, SESSION_COOKIE), nowMs)
  }
}

/** Whether a request made with `session` may go ahead: a safe method, or a change from this origin carrying the session's CSRF token. */
export function changeAllowed(req: FastifyRequest, session: AdminSession): boolean {
  if (SAFE_METHODS.has(req.method)) return true
  const given = req.headers[CSRF_HEADER]
  return sameOrigin(req) && typeof given === 'string' && sameSecret(given, session.csrfToken)
}

/** A browser names the page's origin on every change; one that names another host is refused whatever else it sends. */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    const page = new URL(origin)
    // Through URL both ways, so a default port written out (`:80`) or left off compares equal.
    return req.headers.host !== undefined && page.host === new URL(`${page.protocol}//${req.headers.host}`).host
  } catch {
    return false
  }
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}

/** The Set-Cookie text of the session cookie; an empty value with Max-Age 0 signs out. Secure when the request came over TLS. */
export function sessionCookieHeader(value: string, maxAgeMs: number, secure: boolean): string {
  const attributes = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`]
  if (secure) attributes.push('Secure')
  return attributes.join('; ')
}
