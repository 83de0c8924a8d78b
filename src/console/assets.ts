import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'

// The console's files: plain HTML, CSS and ES modules under ./assets, shipped as they are (the
// build copies them beside this module in dist/). Read on first use and kept: nothing is read
// when the app is built, and a file is read once per process.

const ROOT = new URL('./assets/', import.meta.url)

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
}

/** What the sign-in page needs before there is a session; every other file needs one. */
export const PUBLIC_ASSETS: ReadonlySet<string> = new Set(['app.css', 'sign-in.js'])

export interface Asset {
  body: Buffer
  type: string
}

const cache = new Map<string, Promise<Asset | undefined>>()

/** A path of letters, digits, `-`, `_` and `.` segments, with a known extension; nothing that climbs out. */
const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*$/

async function load(path: string): Promise<Asset | undefined> {
  const type = TYPES[extname(path)]
  if (!type) return undefined
  try {
    return { body: await readFile(new URL(path, ROOT)), type }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined
    throw error
  }
}

/** The file at `path` under the assets folder, or undefined when there is none (or the path is not one of ours). */
export function asset(path: string): Promise<Asset | undefined> {
  if (!SAFE_PATH.test(path) || path.split('/').some((segment) => segment.startsWith('.'))) return Promise.resolve(undefined)
  let found = cache.get(path)
  if (!found) {
    found = load(path)
    // A failed read is not kept: the next request tries again.
    found.catch(() => cache.delete(path))
    cache.set(path, found)
  }
  return found
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)

/** An HTML page of the assets folder with its `{{name}}` placeholders filled in, HTML-escaped. */
export async function page(name: 'index.html' | 'sign-in.html', values: Readonly<Record<string, string>>): Promise<string> {
  const file = await asset(name)
  if (!file) throw new Error(`console: ${name} is missing from ${ROOT.pathname}`)
  return file.body.toString('utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => escapeHtml(values[key] ?? ''))
}
