import type { Exchange, RecordedExchange } from './entry.js'

// Bodies cut at INSPECTOR_BODY_LIMIT bytes of UTF-8, on a character boundary, and never by
// slicing the text: V8 shares a sliced string's parent, so a ring of slices would keep every whole
// page it ever saw alive.

/**
 * A ring slot's body, kept in a buffer of its own that the slot reuses: once a store's ring has
 * come round, keeping a body allocates nothing. (Kept as strings, a ring of 16 KiB bodies outlived
 * the young generation and tripled the time the server spent collecting garbage.)
 */
export class KeptBody {
  private buffer: Buffer | undefined
  private bytes = 0
  private present = false
  private truncated = false

  keep(text: string | undefined, limit: number): void {
    this.present = text !== undefined && text !== ''
    if (!this.present) {
      this.bytes = 0
      this.truncated = false
      return
    }
    // Bytes are at least as many as UTF-16 units, and at most three times as many: a text longer
    // than the limit is cut without measuring it, one under a third of it fits without measuring.
    const units = text!.length
    const room = Math.min(limit, units * 3)
    if (!this.buffer || this.buffer.length < room) this.buffer = Buffer.allocUnsafeSlow(room)
    this.bytes = room === 0 ? 0 : this.buffer.write(text!, 0, room, 'utf8')
    this.truncated = units > limit || (units * 3 > limit && this.bytes < Buffer.byteLength(text!))
  }

  exchange(headers: Record<string, string>): Exchange {
    const body = !this.present || this.bytes === 0 ? null : this.buffer!.toString('utf8', 0, this.bytes)
    return { headers, body, body_truncated: this.truncated }
  }
}

/** Cuts bodies into strings of their own, through one scratch buffer (for a store that serializes them at once). */
export class BodyCutter {
  private readonly scratch: Buffer

  constructor(readonly limit: number) {
    this.scratch = Buffer.allocUnsafe(limit)
  }

  exchange({ headers, text }: RecordedExchange): Exchange {
    if (text === undefined || text === '') return { headers, body: null, body_truncated: false }
    // At most 3 bytes per UTF-16 unit: a text that short fits whatever it holds.
    if (text.length * 3 <= this.limit || Buffer.byteLength(text) <= this.limit) return { headers, body: text, body_truncated: false }
    const written = this.scratch.write(text, 0, this.limit, 'utf8')
    return { headers, body: written === 0 ? null : this.scratch.toString('utf8', 0, written), body_truncated: true }
  }
}
