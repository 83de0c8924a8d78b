import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { BACKENDS } from './helpers/backends.js'
import { buildTestApp, send, type TestApp } from './helpers/app.js'

// The contract guards: the app serves no operation the BigCommerce specs do not have, every spec
// operation it does not serve is declared "not yet" in docs/COMPATIBILITY.md, and /openapi.json
// describes exactly what is served.

const REFERENCE = new URL('../spec/', import.meta.url)
const METHODS = ['get', 'post', 'put', 'delete'] as const

/** `METHOD /path` with every path parameter spelled `{}`, so specs and routes compare by shape. */
const key = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}|:[^/]+/g, '{}')}`

function specOperations(file: string, keep: (path: string) => boolean = () => true): Map<string, string> {
  const spec = parse(readFileSync(new URL(file, REFERENCE), 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> }
  const operations = new Map<string, string>()
  for (const [path, item] of Object.entries(spec.paths)) {
    if (!keep(path)) continue
    for (const method of METHODS) {
      const operation = item[method]
      if (operation) operations.set(key(method, path), operation.operationId ?? '')
    }
  }
  return operations
}

const customers = specOperations('customers.v3.yml')
const latest = specOperations('customers.v3.latest.yml')
const cartMetafields = specOperations('carts.v3.yml', (path) => path.includes('/metafields'))
const webhooks = specOperations('webhooks.v3.yml')
const contract = new Map([...customers, ...latest, ...cartMetafields, ...webhooks])

/** Operations COMPATIBILITY.md marks implemented, by `METHOD /path`. */
function documented(status: string): Set<string> {
  const text = readFileSync(new URL('../docs/COMPATIBILITY.md', import.meta.url), 'utf8')
  const rows = [...text.matchAll(/^\| \d+ \| \w+ \| `(GET|POST|PUT|DELETE) ([^`]+)` \| ([^|]+) \|/gm)]
  return new Set(rows.filter((r) => r[3]!.trim() === status).map((r) => key(r[1]!, r[2]!)))
}

describe('the reference specs', () => {
  it('list 34 customers operations, 9 cart metafield operations and 8 webhooks operations', () => {
    expect(customers.size).toBe(34)
    expect(cartMetafields.size).toBe(9)
    expect(webhooks.size).toBe(8)
  })
})

describe.each(BACKENDS)('%s: the served API and its contract', (backend) => {
  let t: TestApp
  const served = new Set<string>()

  beforeAll(async () => {
    t = await buildTestApp(backend)
    const prefix = '/stores/:store_hash/v3'
    // printRoutes draws a tree: a nested line's path continues the path of the line one level up
    // (`/customers` then `├── /metafields`), so paths are rebuilt from the indentation.
    const paths: string[] = []
    for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
      const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line)
      if (!match) continue
      const depth = match[1]!.length / 4
      const path = (paths[depth - 1] ?? '') + match[2]!
      paths[depth] = path
      if (!path.startsWith(`${prefix}/`) || !match[3]) continue
      for (const method of match[3].split(', ')) {
        if (method !== 'HEAD') served.add(key(method, path.slice(prefix.length).replace(/\/$/, '')))
      }
    }
  })
  afterAll(() => t.close())

  it('serves only operations of the BigCommerce specs', () => {
    expect(served.size).toBeGreaterThan(0)
    expect([...served].filter((op) => !contract.has(op))).toEqual([])
  })

  it('matches docs/COMPATIBILITY.md: what is served is "implemented", the rest "not yet"', () => {
    expect([...documented('implemented')].sort()).toEqual([...served].sort())
    const notYet = documented('not yet')
    const expected = [...customers.keys(), ...cartMetafields.keys(), ...webhooks.keys()].filter((op) => !served.has(op))
    expect([...notYet].sort()).toEqual(expected.sort())
  })

  it('describes every served operation in /openapi.json', async () => {
    const res = await send(t.app, 'GET', '/openapi.json')
    expect(res.status).toBe(200)
    expect(res.body.openapi).toMatch(/^3\./)
    const described = new Set<string>()
    for (const [path, item] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>)) {
      if (!path.startsWith('/stores/{store_hash}/v3/')) continue
      for (const method of METHODS) if (item[method]) described.add(key(method, path.slice('/stores/{store_hash}/v3'.length)))
    }
    expect([...described].sort()).toEqual([...served].sort())
  })

  it('documents the error envelope on every served operation', async () => {
    const res = await send(t.app, 'GET', '/openapi.json')
    for (const [path, item] of Object.entries(res.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      if (!path.startsWith('/stores/')) continue
      for (const method of METHODS) {
        const operation = item[method]
        if (operation) expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '422']))
      }
    }
  })

  it('serves a browsable docs page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/html/)
  })
})
