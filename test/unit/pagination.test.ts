import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/core/errors.js'
import { DEFAULT_LIMIT, encodeCursor, readPageRequest } from '../../src/core/pagination.js'
import { errorBody } from '../helpers/app.js'

const URL = '/stores/abc/v3/customers'

/** The 422 body readPageRequest throws, or its result. */
function outcome(run: () => unknown): unknown {
  try {
    return run()
  } catch (error) {
    if (error instanceof ApiError) return error.toBody()
    throw error
  }
}

const notACursor = (name: string, cursor: string) =>
  errorBody(422, `Query parameter "${name}" is not a cursor this API issued. For input string: "${cursor}".`)

describe('encodeCursor', () => {
  it.each([
    // BigCommerce's own examples (customers.v3.latest.yml)
    [{ id: 204 }, 'eyJpZCI6MjA0fQ'],
    [{ id: 205 }, 'eyJpZCI6MjA1fQ'],
    [{ sessionId: 38, fieldId: 40 }, 'eyJzZXNzaW9uSWQiOjM4LCJmaWVsZElkIjo0MH0'],
    [{ id: 1 }, 'eyJpZCI6MX0'],
  ])('writes %j as unpadded base64url JSON', (position, cursor) => {
    expect(encodeCursor(position)).toBe(cursor)
  })

  it('never writes characters a query string would need to escape', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 }), fc.string(), (id, name) => {
        expect(encodeCursor({ id, last_name: name })).toMatch(/^[A-Za-z0-9_-]*$/)
      }),
    )
  })
})

describe('readPageRequest: paging', () => {
  it.each([
    ['no parameters', {}, { limit: DEFAULT_LIMIT, page: 1 }],
    ['a page', { page: 3 }, { limit: DEFAULT_LIMIT, page: 3 }],
    ['a limit', { limit: 7 }, { limit: 7, page: 1 }],
  ])('reads %s', (_, query, expected) => {
    expect(readPageRequest(query, URL)).toEqual({ ...expected, carried: '' })
  })

  it.each([
    ['a default-list cursor', { id: 204 }],
    ['a sorted-list cursor', { id: 3, last_name: 'Doe' }],
    ['a date-sorted cursor', { id: 3, date_created: '2024-05-14T09:34:00Z' }],
    ['the largest 32-bit id', { id: 2 ** 31 - 1 }],
  ])('reads back %s after `after`', (_, position) => {
    expect(readPageRequest({ after: encodeCursor(position) }, URL).cursor).toEqual({ direction: 'after', position })
  })

  it('reads back a cursor after `before`', () => {
    expect(readPageRequest({ before: 'eyJpZCI6MjA1fQ' }, URL).cursor).toEqual({ direction: 'before', position: { id: 205 } })
  })

  it('reads back any cursor it wrote', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 }), fc.oneof(fc.string(), fc.integer()), (id, value) => {
        const position = { id, last_name: value }
        expect(readPageRequest({ after: encodeCursor(position) }, URL).cursor).toEqual({ direction: 'after', position })
      }),
    )
  })

  it('refuses `after` and `before` together', () => {
    const query = { after: encodeCursor({ id: 1 }), before: encodeCursor({ id: 2 }) }
    expect(outcome(() => readPageRequest(query, URL))).toEqual(
      errorBody(422, 'Query parameter "before" cannot be combined with "after".'),
    )
  })

  it.each([
    ['text that is not base64', 'not a cursor!'],
    ['an empty cursor', ''],
    ['base64 of text that is not JSON', Buffer.from('id:7').toString('base64url')],
    ['a JSON number', encodeCursor(7 as unknown as Record<string, unknown>)],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['a JSON array', Buffer.from('[7]').toString('base64url')],
    ['an object without an id', encodeCursor({ last_name: 'Doe' })],
    ['a string id', encodeCursor({ id: '7' })],
    ['a decimal id', encodeCursor({ id: 7.5 })],
    // no id column holds more than 32 bits; PostgreSQL would fail the query
    ['an id above 32 bits', encodeCursor({ id: 2 ** 31 })],
    ['an id far above 32 bits', encodeCursor({ id: 1e15 })],
    ['a nested value', encodeCursor({ id: 7, last_name: { $gt: '' } })],
    ['a null value', encodeCursor({ id: 7, last_name: null })],
  ])('refuses %s as a cursor', (_, cursor) => {
    expect(outcome(() => readPageRequest({ after: cursor }, URL))).toEqual(notACursor('after', cursor))
    expect(outcome(() => readPageRequest({ before: cursor }, URL))).toEqual(notACursor('before', cursor))
  })
})

describe('readPageRequest: what links carry', () => {
  it.each([
    ['no query', '', ''],
    ['an empty query', '?', ''],
    ['paging parameters only', '?page=2&limit=5', ''],
    ['cursors', '?after=abc&before=def', ''],
    ['bracketed paging parameters', '?page[]=2&limit[]=5', ''],
    ['a filter', '?id:in=1,2', 'id%3Ain=1%2C2&'],
    ['a percent-encoded filter, the same way', '?id%3Ain=1%2C2', 'id%3Ain=1%2C2&'],
    ['a bracket list', '?id:in[]=1&id:in[]=2', 'id%3Ain%5B%5D=1&id%3Ain%5B%5D=2&'],
    ['a repeated key', '?id:in=1&id:in=2', 'id%3Ain=1&id%3Ain=2&'],
    ['filters in request order, paging removed', '?limit=2&sort=last_name:desc&page=3&email:in=a@b.co', 'sort=last_name%3Adesc&email%3Ain=a%40b.co&'],
    ['empty pairs, dropped', '?&limit=2&&id:in=1&', 'id%3Ain=1&'],
    ['a key without a value', '?include', 'include=&'],
    ['a plus as a space', '?name:in=jane+doe', 'name%3Ain=jane%20doe&'],
    ['an encoded percent sign', '?name:like=50%25', 'name%3Alike=50%25&'],
    ['non-ASCII text', '?name:in=Jos%C3%A9', 'name%3Ain=Jos%C3%A9&'],
  ])('carries %s', (_, search, carried) => {
    expect(readPageRequest({}, `${URL}${search}`).carried).toBe(carried)
  })
})
