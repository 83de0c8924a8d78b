import { SourceError } from './http.js'

// The source store's API base, as `--from` names it, and the URLs built on it. The token goes
// only to that origin and path: a page link pointing anywhere else is refused, not followed.

export interface SourceUrl {
  /** `https://api.bigcommerce.com/stores/<hash>/v3/`: what every path is resolved against */
  readonly base: URL
  /** the store's URL as printed: `https://api.bigcommerce.com/stores/<hash>` */
  readonly label: string
}

const EXAMPLE = 'like https://api.bigcommerce.com/stores/<hash>'

export function parseSourceUrl(text: string): SourceUrl {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(`--from "${text}" is not a URL: give the store's API base, ${EXAMPLE}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--from "${text}" must be an http or https URL, ${EXAMPLE}`)
  if (url.username || url.password || url.search || url.hash) throw new Error(`--from "${text}" must be the store's API base without credentials, query or fragment, ${EXAMPLE}`)
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v3$/, '')
  if (!/\/stores\/[^/]+$/.test(path)) throw new Error(`--from "${text}" must end with /stores/<store hash>, ${EXAMPLE}`)
  url.pathname = `${path}/v3/`
  return { base: url, label: `${url.origin}${path}` }
}

/** `customers?limit=250` -> `<base>customers?limit=250`. */
export function apiUrl(source: SourceUrl, path: string): URL {
  return new URL(path, source.base)
}

/**
 * The next page of a list: its `meta.pagination.links.next`, resolved against the page's URL
 * (BigCommerce's links are relative query strings). None when the page is the last, or empty.
 */
export function nextPage(source: SourceUrl, body: unknown, page: URL): URL | undefined {
  const meta = (body as { meta?: { pagination?: { links?: { next?: unknown } } } }).meta
  const next = meta?.pagination?.links?.next
  if (typeof next !== 'string' || next === '') return undefined
  return checkedUrl(source, new URL(next, page).href)
}

/** A URL kept in the state, or given by the source: it must stay under the store's API base. */
export function checkedUrl(source: SourceUrl, href: string): URL {
  const url = new URL(href)
  if (url.origin !== source.base.origin || !url.pathname.startsWith(source.base.pathname)) {
    throw new SourceError(`the source sent a page link outside ${source.label} (${url.origin}${url.pathname}): not followed, so the token goes nowhere else`)
  }
  return url
}
