// Same-origin requests with the session cookie; every change carries the CSRF token the page
// was served with. An answer that is not 2xx throws an ApiError holding the JSON error envelope.

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.title ?? `HTTP ${status}`)
    this.status = status
    this.title = body?.title ?? `HTTP ${status}`
    this.detail = body?.detail
    this.errors = body?.errors
  }
}

/** A query string from an object, skipping empty values; keys such as `email:in` kept as they are. */
export function query(params) {
  const parts = []
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null || value === '') continue
    parts.push(`${key}=${encodeURIComponent(value)}`)
  }
  return parts.length ? `?${parts.join('&')}` : ''
}

export async function request(method, url, body) {
  const headers = { accept: 'application/json' }
  if (method !== 'GET') headers['x-csrf-token'] = csrf()
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(url, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  const text = await res.text()
  let json = null
  if (text) {
    try {
      json = JSON.parse(text)
    } catch {
      json = { title: text.slice(0, 200) }
    }
  }
  if (res.status === 401) document.dispatchEvent(new CustomEvent('console:signed-out'))
  if (!res.ok) throw new ApiError(res.status, json)
  return json
}

const enc = encodeURIComponent

/** The admin API: `admin('GET', '/stores')`. */
export const admin = (method, path, body) => request(method, `/admin${path}`, body)

/** A store's BigCommerce API through the console: `store(hash, 'GET', '/customers?...')`. */
export const api = (hash, method, path, body) => request(method, `/console/api/stores/${enc(hash)}/v3${path}`, body)

export const storePath = (hash) => `/stores/${enc(hash)}`

export async function signOut() {
  await request('DELETE', '/console/session')
  location.assign('/console/')
}
