// JSON nesting is bounded before the body is parsed: the parser itself copes with any depth, but
// what walks the value afterwards (validation, the text guard) recurses, and a body of a few
// hundred thousand brackets would overflow the stack there: a 500 instead of a 400.

export const DEFAULT_MAX_JSON_DEPTH = 32

const OPEN_OBJECT = 0x7b // {
const OPEN_ARRAY = 0x5b // [
const CLOSE_OBJECT = 0x7d // }
const CLOSE_ARRAY = 0x5d // ]
const QUOTE = 0x22 // "
const BACKSLASH = 0x5c // \

/** True when objects and arrays in `text` nest deeper than `max`; brackets inside strings do not count. */
export function jsonDeeperThan(text: string, max: number): boolean {
  // Fewer characters than levels cannot nest that deep: most bodies end here.
  if (text.length <= max) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) {
      inString = true
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > max) return true
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--
    }
  }
  return false
}
