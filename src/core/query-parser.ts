import type { TSchema } from 'typebox'
import { parseDateFilter } from './dates.js'
import { ApiError, invalidQueryValue, unknownFilters } from './errors.js'

// Turns a raw query object into typed values, driven by the route's querystring schema, so the
// schema that documents a list endpoint is also the one that accepts or refuses its parameters.
// It speaks BigCommerce's dialect: comma lists (`id:in=1,2`), repeated keys (`id:in=1&id:in=2`),
// bracket lists (`id:in[]=1`), percent-encoded colons (decoded before we see them), empty pairs
// (`?&limit=2`); unknown keys are refused with BigCommerce's own 422.

/** Marks a string property as a date filter: ISO date, ISO date-time or Unix timestamp. */
export const DATE_FILTER_FORMAT = 'date-filter'

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

type RawQuery = Record<string, string | string[] | undefined>
type ParseResult = { value: Record<string, unknown> } | { error: ApiError }

interface SchemaLike {
  type?: string
  enum?: readonly unknown[]
  format?: string
  pattern?: string
  minimum?: number
  maximum?: number
  items?: SchemaLike
  properties?: Record<string, SchemaLike>
}

export function compileQueryParser(schema: TSchema): (raw: unknown) => ParseResult {
  const properties = (schema as SchemaLike).properties ?? {}
  const names = new Set(Object.keys(properties))

  return (raw) => {
    const input = (raw ?? {}) as RawQuery
    const value: Record<string, unknown> = {}
    const unknown: string[] = []
    try {
      for (const [rawKey, rawValue] of Object.entries(input)) {
        const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey
        if (key === '') continue
        // `names` rather than `key in properties`: keys like `constructor` must not reach the prototype.
        if (!names.has(key)) {
          unknown.push(key)
          continue
        }
        const property = properties[key] as SchemaLike
        const texts = Array.isArray(rawValue) ? rawValue : [rawValue ?? '']
        value[key] = property.type === 'array'
          ? mergeList(value[key], parseList(key, property, texts))
          : parseScalar(key, property, texts[texts.length - 1] ?? '')
      }
    } catch (error) {
      if (error instanceof ApiError) return { error }
      throw error
    }
    if (unknown.length > 0) return { error: unknownFilters(unknown) }
    return { value }
  }
}

function mergeList(previous: unknown, next: unknown[]): unknown[] {
  return Array.isArray(previous) ? [...previous, ...next] : next
}

function parseList(key: string, property: SchemaLike, texts: string[]): unknown[] {
  const items = property.items ?? { type: 'string' }
  const parts = texts.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '')
  return parts.map((part) => parseScalar(key, items, part))
}

function parseScalar(key: string, property: SchemaLike, text: string): unknown {
  switch (property.type) {
    case 'integer': {
      const n = Number(text)
      // 32-bit, like every integer column it is compared with: PostgreSQL fails a query holding a
      // larger one. The message is a JVM integer parse's, which refuses an overflow the same way.
      if (!/^-?\d+$/.test(text) || n < INT32_MIN || n > INT32_MAX) {
        throw invalidQueryValue(key, `value may contain only integer values. For input string: "${text}".`)
      }
      checkRange(key, property, n)
      return n
    }
    case 'number': {
      const n = Number(text)
      if (text.trim() === '' || !Number.isFinite(n)) {
        throw invalidQueryValue(key, `value may contain only numeric values. For input string: "${text}".`)
      }
      checkRange(key, property, n)
      return n
    }
    case 'boolean': {
      if (text !== 'true' && text !== 'false') throw invalidQueryValue(key, `must be true or false. For input string: "${text}".`)
      return text === 'true'
    }
    default: {
      if (property.enum && !property.enum.includes(text)) {
        throw invalidQueryValue(key, `must be one of: ${property.enum.join(', ')}. For input string: "${text}".`)
      }
      if (property.pattern !== undefined && !patternOf(property.pattern).test(text)) {
        throw invalidQueryValue(key, `must match ${property.pattern}. For input string: "${text}".`)
      }
      if (property.format === DATE_FILTER_FORMAT && parseDateFilter(text) === undefined) {
        throw invalidQueryValue(
          key,
          `must be a date (2024-05-14), a date-time (2024-05-14T09:34:00Z) or a Unix timestamp. For input string: "${text}".`,
        )
      }
      return text
    }
  }
}

const patterns = new Map<string, RegExp>()
const patternOf = (source: string) => patterns.get(source) ?? patterns.set(source, new RegExp(source)).get(source)!

function checkRange(key: string, property: SchemaLike, n: number): void {
  if (property.minimum !== undefined && n < property.minimum) {
    throw invalidQueryValue(key, `must be at least ${property.minimum}. For input string: "${n}".`)
  }
  if (property.maximum !== undefined && n > property.maximum) {
    throw invalidQueryValue(key, `must be at most ${property.maximum}. For input string: "${n}".`)
  }
}
