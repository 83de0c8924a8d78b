// How values the API speaks are kept in columns that SQLite and PostgreSQL store alike (schema.ts):
// booleans as integers 0/1 (SQLite has no boolean type), lists and objects as JSON text. Every
// conversion goes through one of these, so a column is read back as it was written.

export interface Codec<Value, Stored> {
  encode(value: Value): Stored
  decode(stored: Stored): Value
}

export const flag: Codec<boolean, number> = {
  encode: (value) => (value ? 1 : 0),
  decode: (stored) => stored === 1,
}

/** A flag that may be unset: null where the default applies. */
export const optionalFlag: Codec<boolean | null, number | null> = {
  encode: (value) => (value === null ? null : flag.encode(value)),
  decode: (stored) => (stored === null ? null : flag.decode(stored)),
}

/** A JSON text column holding a `T`. */
export function json<T>(): Codec<T, string> {
  return {
    encode: (value) => JSON.stringify(value),
    decode: (stored) => JSON.parse(stored) as T,
  }
}

/** A JSON text column holding a `T`, or null. */
export function nullableJson<T>(): Codec<T | null, string | null> {
  const inner = json<T>()
  return {
    encode: (value) => (value === null ? null : inner.encode(value)),
    decode: (stored) => (stored === null ? null : inner.decode(stored)),
  }
}

/**
 * A customer's channels: a JSON list of ids, or null for global access. Written as
 * JSON.stringify writes an integer list (`[2,13]`, no spaces), which the channel deletion check
 * matches with LIKE patterns (src/stores/channels.ts).
 */
export const channelIds = nullableJson<number[]>()
