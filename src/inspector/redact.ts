import { REDACTED } from './entry.js'

// Secrets never reach the inspector's store (docs/COMPATIBILITY.md "Request inspector"): what a
// body may hold is tested first with a few substring searches, and only a body that may hold one
// is parsed, walked and written again. Redacted wherever they stand in the JSON:
//   - the value of a key `password` (validate-credentials), `new_password` (`authentication` of
//     every item of a customers batch) or `token` (a stored instrument);
//   - the `value` of an object whose `name` is one of the store's password form fields (a
//     customer's or address's `form_fields`, PUT /customers/form-field-values).

const SECRET_KEYS = new Set(['password', 'new_password', 'token'])

/** `secretsIn` flags: a secret key may be present; a form field value may be a password's. */
export const SECRET_KEY = 1
export const FORM_FIELD = 2

/** Every form field counts as a password field: when the store's could not be read. */
export const ALL_FIELDS = 'all'
export type PasswordFields = ReadonlySet<string> | typeof ALL_FIELDS

/**
 * What `kept` (the part of a body that would be kept) may hold, tested on text only. A key comes
 * before its value, so a secret key outside `kept` has no value inside it; a form field's `name`
 * may follow its `value`, so that one is looked for in the whole body, `full`. A `\u` escape can
 * spell any key: such a body is walked whatever it seems to hold.
 */
export function secretsIn(kept: string, full: string): number {
  if (kept.includes('\\u')) return SECRET_KEY | FORM_FIELD
  let found = 0
  if (kept.includes('"password"') || kept.includes('"new_password"') || kept.includes('"token"')) found |= SECRET_KEY
  if (kept.includes('"value"') && full.includes('"name"')) found |= FORM_FIELD
  return found
}

/**
 * The body with every secret replaced by REDACTED, as compact JSON. Text that is not JSON cannot
 * be walked: it is replaced whole.
 */
export function redactJson(text: string, passwordFields: PasswordFields): string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return REDACTED
  }
  return JSON.stringify(redactValue(value, passwordFields))
}

function redactValue(value: unknown, fields: PasswordFields): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, fields))
  if (value === null || typeof value !== 'object') return value
  const object = value as Record<string, unknown>
  const name = object.name
  const passwordField = typeof name === 'string' && 'value' in object && (fields === ALL_FIELDS || fields.has(name))
  // No prototype: a `__proto__` key from the JSON stays a plain key.
  const out: Record<string, unknown> = Object.create(null)
  for (const [key, item] of Object.entries(object)) {
    const secret = (SECRET_KEYS.has(key) && item !== null) || (passwordField && key === 'value')
    out[key] = secret ? REDACTED : redactValue(item, fields)
  }
  return out
}

/**
 * Whether a route's response schemas name a secret key anywhere. Only such responses are searched:
 * a response is serialized from its schema (or, for a plain customer list, held byte for byte to
 * it), so no other can carry one, and searching 16 KiB of every list page would cost more than
 * the rest of the recording. Password form field values are never returned (not in any schema's
 * answer: COMPATIBILITY "Form fields"), so a response is searched for secret keys only.
 */
export function schemaNamesSecret(schema: unknown, seen = new Set<object>()): boolean {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return false
  seen.add(schema)
  const properties = (schema as { properties?: unknown }).properties
  if (properties !== null && typeof properties === 'object' && Object.keys(properties).some((key) => SECRET_KEYS.has(key))) return true
  return Object.values(schema).some((part) => schemaNamesSecret(part, seen))
}
