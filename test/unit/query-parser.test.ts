import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Type } from 'typebox'
import { compileQueryParser, DATE_FILTER_FORMAT } from '../../src/core/query-parser.js'
import { ApiError } from '../../src/core/errors.js'
import { errorBody, invalidQuery } from '../helpers/app.js'

// The raw objects below are what Fastify's querystring parser hands over: strings, and arrays
// of strings for repeated keys.

const parse = compileQueryParser(
  Type.Object({
    'id:in': Type.Optional(Type.Array(Type.Integer())),
    'name:like': Type.Optional(Type.Array(Type.String())),
    include: Type.Optional(Type.Array(Type.Enum(['addresses', 'storecredit']))),
    sort: Type.Optional(Type.Enum(['last_name:asc', 'last_name:desc'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250 })),
    amount: Type.Optional(Type.Number({ minimum: 0 })),
    active: Type.Optional(Type.Boolean()),
    since: Type.Optional(Type.String({ format: DATE_FILTER_FORMAT })),
    q: Type.Optional(Type.String()),
  }),
)

/** The 422 body a query error becomes, or the parsed value. */
function outcome(raw: unknown): unknown {
  const result = parse(raw)
  if ('error' in result) {
    expect(result.error).toBeInstanceOf(ApiError)
    return result.error.toBody()
  }
  return result.value
}

const notInteger = (name: string, text: string) =>
  invalidQuery(name, `value may contain only integer values. For input string: "${text}".`)
const unknownFilters = (names: string) => errorBody(422, `The filter(s): ${names} are not valid filter parameter(s).`)
const badDate = (text: string) =>
  invalidQuery('since', `must be a date (2024-05-14), a date-time (2024-05-14T09:34:00Z) or a Unix timestamp. For input string: "${text}".`)

describe('compileQueryParser: lists', () => {
  it.each([
    ['a comma list', { 'id:in': '1,2,3' }, [1, 2, 3]],
    ['one value', { 'id:in': '7' }, [7]],
    ['a negative integer', { 'id:in': '-3' }, [-3]],
    ['spaces around items', { 'id:in': ' 1 , 2 ' }, [1, 2]],
    ['empty items', { 'id:in': '1,,2,' }, [1, 2]],
    ['an empty value', { 'id:in': '' }, []],
    ['a repeated key', { 'id:in': ['1', '2'] }, [1, 2]],
    ['a repeated key holding comma lists', { 'id:in': ['1,2', '3'] }, [1, 2, 3]],
    ['a bracket key', { 'id:in[]': '1' }, [1]],
    ['a repeated bracket key', { 'id:in[]': ['1', '2'] }, [1, 2]],
    ['plain and bracket keys together', { 'id:in': '1', 'id:in[]': ['2', '3'] }, [1, 2, 3]],
    ['duplicates, kept', { 'id:in': '4,4' }, [4, 4]],
    ['the largest 32-bit integer', { 'id:in': '2147483647' }, [2147483647]],
    ['the smallest 32-bit integer', { 'id:in': '-2147483648' }, [-2147483648]],
  ])('reads %s', (_, raw, expected) => {
    expect(outcome(raw)).toEqual({ 'id:in': expected })
  })

  it.each([
    ['a string list', { 'name:like': 'ann,bob' }, { 'name:like': ['ann', 'bob'] }],
    ['a list of enum values', { include: 'addresses,storecredit' }, { include: ['addresses', 'storecredit'] }],
  ])('reads %s', (_, raw, expected) => {
    expect(outcome(raw)).toEqual(expected)
  })

  it.each([
    ['a word', 'hello', 'hello'],
    ['a decimal', '1.5', '1.5'],
    ['an exponent', '1e3', '1e3'],
    ['a hex number', '0x10', '0x10'],
    ['a plus sign', '+1', '+1'],
    // larger integers would fail the query on PostgreSQL, whose integer columns are 32-bit
    ['an integer above 32 bits', '2147483648', '2147483648'],
    ['an integer below 32 bits', '-2147483649', '-2147483649'],
    ['an integer beyond double precision', '99999999999999999999', '99999999999999999999'],
  ])('refuses %s in an integer list, naming the item', (_, item, reported) => {
    expect(outcome({ 'id:in': `1,${item}` })).toEqual(notInteger('id:in', reported))
  })

  it('refuses a value outside an enum list', () => {
    expect(outcome({ include: 'addresses,orders' })).toEqual(
      invalidQuery('include', 'must be one of: addresses, storecredit. For input string: "orders".'),
    )
  })
})

describe('compileQueryParser: scalars', () => {
  it.each([
    ['an integer', { limit: '5' }, { limit: 5 }],
    ['the last of a repeated scalar', { limit: ['5', '7'] }, { limit: 7 }],
    ['a bracketed scalar', { 'limit[]': '9' }, { limit: 9 }],
    ['a bound integer', { limit: '250' }, { limit: 250 }],
    ['a decimal number', { amount: '1.5' }, { amount: 1.5 }],
    ['true', { active: 'true' }, { active: true }],
    ['false', { active: 'false' }, { active: false }],
    ['an enum value', { sort: 'last_name:desc' }, { sort: 'last_name:desc' }],
    ['a free string, as given', { q: ' a,b ' }, { q: ' a,b ' }],
    ['an empty free string', { q: '' }, { q: '' }],
    ['a date', { since: '2024-05-14' }, { since: '2024-05-14' }],
    ['a date-time', { since: '2024-05-14T09:34:00Z' }, { since: '2024-05-14T09:34:00Z' }],
    ['a Unix timestamp', { since: '1715679240' }, { since: '1715679240' }],
    ['several parameters', { limit: '2', 'id:in': '3', sort: 'last_name:asc' }, { limit: 2, 'id:in': [3], sort: 'last_name:asc' }],
  ])('reads %s', (_, raw, expected) => {
    expect(outcome(raw)).toEqual(expected)
  })

  it.each([
    ['a word for an integer', { limit: 'ten' }, notInteger('limit', 'ten')],
    ['an empty integer', { limit: '' }, notInteger('limit', '')],
    ['a decimal for an integer', { limit: '2.0' }, notInteger('limit', '2.0')],
    ['an integer below the minimum', { limit: '0' }, invalidQuery('limit', 'must be at least 1. For input string: "0".')],
    ['an integer above the maximum', { limit: '251' }, invalidQuery('limit', 'must be at most 250. For input string: "251".')],
    ['an integer above 32 bits', { limit: '99999999999' }, notInteger('limit', '99999999999')],
    ['a word for a number', { amount: 'lots' }, invalidQuery('amount', 'value may contain only numeric values. For input string: "lots".')],
    ['an empty number', { amount: '' }, invalidQuery('amount', 'value may contain only numeric values. For input string: "".')],
    ['Infinity for a number', { amount: 'Infinity' }, invalidQuery('amount', 'value may contain only numeric values. For input string: "Infinity".')],
    ['a number below the minimum', { amount: '-1' }, invalidQuery('amount', 'must be at least 0. For input string: "-1".')],
    ['anything but true or false', { active: 'yes' }, invalidQuery('active', 'must be true or false. For input string: "yes".')],
    ['a value outside an enum', { sort: 'id:asc' }, invalidQuery('sort', 'must be one of: last_name:asc, last_name:desc. For input string: "id:asc".')],
    ['an enum value in the wrong case', { sort: 'LAST_NAME:ASC' }, invalidQuery('sort', 'must be one of: last_name:asc, last_name:desc. For input string: "LAST_NAME:ASC".')],
    ['a word for a date', { since: 'yesterday' }, badDate('yesterday')],
    ['a day that does not exist', { since: '2023-02-29' }, badDate('2023-02-29')],
    ['an empty date', { since: '' }, badDate('')],
  ])('refuses %s', (_, raw, expected) => {
    expect(outcome(raw)).toEqual(expected)
  })
})

describe('compileQueryParser: keys', () => {
  it.each([
    ['no query at all', undefined],
    ['an empty query', {}],
    ['an empty key (`?&limit=2`)', { '': '' }],
  ])('reads %s as no parameters', (_, raw) => {
    expect(outcome(raw)).toEqual({})
  })

  it.each([
    ['an unknown key', { foo: 'bar' }, 'foo'],
    ['several unknown keys, in order', { foo: '1', bar: '2' }, 'foo, bar'],
    ['an unknown key beside known ones', { limit: '2', customer_id: '1' }, 'customer_id'],
    ['an operator the field lacks', { 'id:min': '1' }, 'id:min'],
    ['a field without its operator', { id: '1' }, 'id'],
    ['an unknown bracket key, without its brackets', { 'foo[]': 'x' }, 'foo'],
    ['a key in another case', { LIMIT: '2' }, 'LIMIT'],
    ['`constructor`', { constructor: '1' }, 'constructor'],
    ['`toString`', { toString: '1' }, 'toString'],
    ['`hasOwnProperty`', { hasOwnProperty: '1' }, 'hasOwnProperty'],
    // an object literal would set the prototype instead of making a key
    ['`__proto__`', JSON.parse('{"__proto__": "1"}') as unknown, '__proto__'],
  ])('refuses %s as an unknown filter', (_, raw, names) => {
    expect(outcome(raw)).toEqual(unknownFilters(names))
  })

  it('leaves Object.prototype alone when refusing `__proto__`', () => {
    outcome(JSON.parse('{"__proto__": {"polluted": "yes"}}'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('compileQueryParser: properties', () => {
  it('reads back any list of integers joined with commas', () => {
    fc.assert(
      // fc.integer() spans the 32-bit integers
      fc.property(fc.array(fc.integer()), (ids) => {
        expect(parse({ 'id:in': ids.join(',') })).toEqual({ value: { 'id:in': ids } })
      }),
    )
  })
})
