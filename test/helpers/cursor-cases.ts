import { expect, it } from 'vitest'
import { invalidQuery, type TestStore } from './app.js'

// Cursor paging as every cursor-paged list answers it (one implementation serves them all): the
// cursors the tests write, the meta of a first page holding a whole list, and the cases each
// list runs, table-driven so that a list joins them with one call.

/** BigCommerce's cursor: unpadded base64url of a small JSON object. */
export const cursor = (position: Record<string, unknown>) => Buffer.from(JSON.stringify(position)).toString('base64url')
export const idCursor = (id: number) => cursor({ id })

/** The meta of a first page holding a whole list of up to 50; `carried` prefixes the links, `position` makes cursors. */
export function wholeList<Row extends { id: number }>(rows: Row[], carried = '', position = (row: Row): Record<string, unknown> => ({ id: row.id })) {
  const first = rows[0]
  const last = rows[rows.length - 1]
  return {
    pagination: {
      total: rows.length,
      count: rows.length,
      per_page: 50,
      current_page: 1,
      total_pages: 1,
      links: { current: `?${carried}page=1&limit=50` },
    },
    cursor_pagination: {
      count: rows.length,
      per_page: 50,
      ...(first && last ? { start_cursor: cursor(position(first)), end_cursor: cursor(position(last)) } : {}),
      links: {},
    },
  }
}

export interface CursorList {
  /** A store whose list at `path` holds more than `limit` rows; the rows as the list answers them, in order. */
  seed(): Promise<{ store: TestStore; path: string; rows: unknown[] }>
  /** the page size of the walk; 2 unless given */
  limit?: number
}

/** Values of `after`/`before` that no list issued: [parameter, value]. */
const NEVER_ISSUED: [string, string][] = [
  ['after', 'garbage'],
  ['before', 'garbage'],
  ['after', cursor({ id: '7' })],
  // regression: an id wider than PostgreSQL's 32-bit column failed the query (500)
  ['after', cursor({ id: 1e15 })],
  ['after', ''],
  ['after', 'bm90LWEtY3Vyc29y'],
]

/** The cursor cases of one list; call it inside the describe that builds the app `seed` uses. */
export function cursorCases(list: CursorList): void {
  const limit = list.limit ?? 2

  it('walks forward with after=end_cursor and back with before=start_cursor through the same pages', async () => {
    const { store, path, rows } = await list.seed()
    const pages: unknown[][] = []
    for (let start = 0; start < rows.length; start += limit) pages.push(rows.slice(start, start + limit))

    const forward: { data: unknown[]; start: string }[] = []
    let res = await store.request('GET', `${path}?limit=${limit}`)
    // bounded, so a list that never stops offering `next` fails instead of hanging
    for (let i = 0; i <= pages.length; i++) {
      expect(res.status).toBe(200)
      const meta = res.body.meta.cursor_pagination
      forward.push({ data: res.body.data, start: meta.start_cursor })
      if (!meta.links.next) break
      res = await store.request('GET', `${path}?limit=${limit}&after=${meta.end_cursor}`)
      expect(res.body.meta).toEqual({ cursor_pagination: expect.objectContaining({ count: Math.min(limit, rows.length - forward.length * limit), per_page: limit }) })
    }
    expect(forward.map((page) => page.data)).toEqual(pages)

    const backward: unknown[][] = []
    let start = forward[forward.length - 1]!.start
    for (let i = 0; i < pages.length; i++) {
      res = await store.request('GET', `${path}?limit=${limit}&before=${start}`)
      expect(res.status).toBe(200)
      backward.push(res.body.data)
      if (!res.body.meta.cursor_pagination.links.previous) break
      start = res.body.meta.cursor_pagination.start_cursor
    }
    expect(backward).toEqual(pages.slice(0, -1).reverse())
  })

  it('answers 422 for after and before together', async () => {
    const { store, path } = await list.seed()
    const res = await store.request('GET', `${path}?after=${idCursor(1)}&before=${idCursor(5)}`)
    expect(res.status).toBe(422)
    expect(res.body).toEqual(invalidQuery('before', 'cannot be combined with "after".'))
  })

  it.each(NEVER_ISSUED)('answers 422 for %s=%s, a cursor this API never issued', async (name, value) => {
    const { store, path } = await list.seed()
    const res = await store.request('GET', `${path}?${name}=${value}`)
    expect(res.status).toBe(422)
    expect(res.body).toEqual(invalidQuery(name, `is not a cursor this API issued. For input string: "${value}".`))
  })
}
