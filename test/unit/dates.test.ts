import { describe, expect, it } from 'vitest'
import { formatTimestamp, parseDateFilter, withOffset } from '../../src/core/dates.js'

const at = (timestamp: string) => ({ from: timestamp, to: timestamp })

describe('parseDateFilter', () => {
  it.each([
    ['a date, as the whole day', '2024-05-14', { from: '2024-05-14T00:00:00Z', to: '2024-05-14T23:59:59Z' }],
    ['a leap day', '2024-02-29', { from: '2024-02-29T00:00:00Z', to: '2024-02-29T23:59:59Z' }],
    ['a date-time in UTC', '2024-05-14T09:34:00Z', at('2024-05-14T09:34:00Z')],
    ['a date-time without a zone, as UTC', '2024-05-14T09:34:00', at('2024-05-14T09:34:00Z')],
    ['a date-time without seconds', '2024-05-14T09:34', at('2024-05-14T09:34:00Z')],
    ['a date-time with a space for the T', '2024-05-14 09:34:00', at('2024-05-14T09:34:00Z')],
    ['a date-time in lower case', '2024-05-14t09:34:00z', at('2024-05-14T09:34:00Z')],
    ['a date-time with an offset', '2024-05-14T11:34:00+02:00', at('2024-05-14T09:34:00Z')],
    ['a date-time with a negative offset', '2024-05-14T04:34:00-05:00', at('2024-05-14T09:34:00Z')],
    ['a date-time with an offset without a colon', '2024-05-14T11:34:00+0200', at('2024-05-14T09:34:00Z')],
    ['an offset whose unencoded + arrived as a space', '2024-05-14T11:34:00 02:00', at('2024-05-14T09:34:00Z')],
    ['a date-time with milliseconds, to its second', '2024-05-14T09:34:00.999Z', at('2024-05-14T09:34:00Z')],
    ['a Unix timestamp in seconds', '1715679240', at('2024-05-14T09:34:00Z')],
    ['a Unix timestamp in milliseconds', '1715679240000', at('2024-05-14T09:34:00Z')],
    ['a millisecond timestamp, to its second', '1715679240999', at('2024-05-14T09:34:00Z')],
    ['Unix time zero', '0', at('1970-01-01T00:00:00Z')],
    ['the largest seconds value (below 10^11)', '99999999999', at('5138-11-16T09:46:39Z')],
    ['the smallest milliseconds value (10^11)', '100000000000', at('1973-03-03T09:46:40Z')],
  ])('reads %s', (_, text, expected) => {
    expect(parseDateFilter(text)).toEqual(expected)
  })

  it.each([
    ['an empty string', ''],
    ['a word', 'yesterday'],
    ['a date without leading zeros', '2024-5-14'],
    ['a day-first date', '14/05/2024'],
    ['a month that does not exist', '2024-13-01'],
    ['a day that does not exist', '2023-02-29'],
    ['an hour that does not exist', '2024-05-14T25:00:00Z'],
    ['an offset that does not exist', '2024-05-14T09:34:00+25:00'],
    ['a negative timestamp', '-1'],
    ['a decimal timestamp', '1715679240.5'],
    ['a timestamp of 14 digits', '17156792400000'],
    ['a date followed by text', '2024-05-14x'],
  ])('refuses %s', (_, text) => {
    expect(parseDateFilter(text)).toBeUndefined()
  })
})

describe('formatTimestamp', () => {
  it.each([
    ['a UTC instant', '2024-05-14T09:34:00.000Z', '2024-05-14T09:34:00Z'],
    ['milliseconds, dropped rather than rounded', '2024-05-14T09:34:00.999Z', '2024-05-14T09:34:00Z'],
    ['an instant given with an offset, in UTC', '2024-05-14T11:34:00+02:00', '2024-05-14T09:34:00Z'],
    ['the epoch', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'],
  ])('writes %s as fixed-width UTC text', (_, iso, expected) => {
    expect(formatTimestamp(new Date(iso))).toBe(expected)
  })

  it('writes text whose order is time order', () => {
    const times = ['2024-05-14T09:34:00Z', '2024-05-14T09:34:01Z', '2024-05-14T10:00:00Z', '2025-01-01T00:00:00Z', '1999-12-31T23:59:59Z']
    const texts = times.map((t) => formatTimestamp(new Date(t)))
    expect([...texts].sort()).toEqual([...times].sort((a, b) => Date.parse(a) - Date.parse(b)))
  })
})

describe('withOffset', () => {
  it.each([
    ['a Z timestamp', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00+00:00'],
    ['a timestamp that already has an offset', '2024-05-01T10:00:00+00:00', '2024-05-01T10:00:00+00:00'],
  ])('writes %s with a +00:00 offset', (_, text, expected) => {
    expect(withOffset(text)).toBe(expected)
  })
})
