// Text that must read as a number or a date: attribute values (always strings, whatever the
// attribute's type) and form field values. Calendar dates are checked, not just their shape:
// `2024-02-30` is not a date.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/** `2024-05-14`: an ISO 8601 calendar date that exists. */
export function isIsoDate(text: string): boolean {
  const match = DAY.exec(text)
  if (!match) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

/** An ISO 8601 date, or date-time with optional seconds, fraction and offset (`2024-05-14T09:34:00Z`). */
export function isIsoDateOrDateTime(text: string): boolean {
  if (isIsoDate(text)) return true
  const match = DATE_TIME.exec(text)
  if (!match) return false
  const [, day, hours, minutes, seconds, zone] = match
  if (!isIsoDate(day!) || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds ?? 0) > 59) return false
  return zone === undefined || /^(Z|[+-](0\d|1[0-4]):?[0-5]\d)$/i.test(zone)
}

/** A decimal number as text (`42`, `-3.5`, `.5`); no exponent, no thousands separators. */
export function isDecimalNumber(text: string): boolean {
  return DECIMAL.test(text)
}
