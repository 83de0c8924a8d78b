// Timestamps are stored as fixed-width UTC text, `YYYY-MM-DDTHH:MM:SSZ`, the form BigCommerce
// returns for customers. Fixed width makes text order equal time order on every database, so date
// filters and sorts use plain indexed comparisons.

export type Clock = () => Date

declare module 'fastify' {
  interface FastifyInstance {
    /** the time source for timestamps (buildApp decorates it); tests substitute their own */
    clock: Clock
  }
}

export const systemClock: Clock = () => new Date()

export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19) + 'Z'
}

/** `2024-05-01T10:00:00Z` -> `2024-05-01T10:00:00+00:00`, the metafield spelling. */
export function withOffset(timestamp: string): string {
  return timestamp.endsWith('Z') ? timestamp.slice(0, -1) + '+00:00' : timestamp
}

export interface DateBound {
  /** first second the value covers */
  from: string
  /** last second the value covers (equal to `from` unless only a day was given) */
  to: string
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i
const UNIX = /^\d{1,13}$/

/**
 * Reads a date filter value: an ISO date (the whole day), an ISO date-time (that second; UTC
 * unless it carries an offset) or a Unix timestamp in seconds or, above 10^11, milliseconds.
 * Returns undefined when the text is none of these.
 */
export function parseDateFilter(raw: string): DateBound | undefined {
  // An unencoded `+` of an offset (`...T11:34:00+02:00`) reaches us as a space.
  const text = raw.replace(/ (\d{2}:?\d{2})$/, '+$1')
  const day = DAY.exec(text)
  if (day) {
    const start = new Date(`${text}T00:00:00Z`)
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== text) return undefined
    const from = formatTimestamp(start)
    return { from, to: `${text}T23:59:59Z` }
  }
  let date: Date
  if (UNIX.test(text)) {
    const n = Number(text)
    date = new Date(n >= 1e11 ? n : n * 1000)
  } else if (DATE_TIME.test(text)) {
    const normalised = text.replace(' ', 'T')
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(normalised)
    date = new Date(hasZone ? normalised : `${normalised}Z`)
  } else {
    return undefined
  }
  if (Number.isNaN(date.getTime())) return undefined
  const at = formatTimestamp(date)
  return { from: at, to: at }
}
