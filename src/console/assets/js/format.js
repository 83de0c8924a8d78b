// Dates, sizes and durations in the viewer's locale.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
const number = new Intl.NumberFormat()

/** An ISO 8601 text, a Date, or Unix seconds (webhook events, hooks): local date and time. */
export function when(value) {
  if (value === null || value === undefined || value === '') return '—'
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  return dateTime.format(date)
}

/** A <time> element: local text, the machine-readable value in datetime. */
export function time(value, h) {
  if (value === null || value === undefined || value === '') return '—'
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  return h('time', { datetime: date.toISOString() }, dateTime.format(date))
}

export const count = (n) => (n === null || n === undefined ? '—' : number.format(n))

export function bytes(n) {
  if (n < 1024) return `${count(n)} B`
  if (n < 1024 * 1024) return `${number.format(Math.round(n / 102.4) / 10)} KB`
  return `${number.format(Math.round(n / 104857.6) / 10)} MB`
}

export const ms = (n) => (n === null || n === undefined ? '—' : `${number.format(Math.round(n * 10) / 10)} ms`)

/** JSON text pretty-printed; text that is not JSON as it is. */
export function pretty(text) {
  if (text === null || text === undefined) return ''
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}
