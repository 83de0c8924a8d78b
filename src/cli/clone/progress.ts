import type { SourceEvent } from './http.js'

// What a clone says while it runs, on stderr (stdout is for the result). A terminal gets one
// status line rewritten in place; a log (CI, a pipe) gets a line per phase and per page, and per
// 100 keys of the phases that make a request per customer. Waits and retries are always a line
// of their own: they explain a pause.

// Keys of a per-customer phase between two lines of a log.
const KEYS_PER_LINE = 100

const number = new Intl.NumberFormat('en-US')
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

export class Progress {
  private status = ''
  private readonly tty: boolean

  constructor(
    /** requests sent so far, for the status line */
    private readonly requests: () => number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = out.isTTY === true
  }

  phase(label: string): void {
    if (this.tty) this.show(`reading ${label}`)
    else this.line(`reading ${label}`)
  }

  page(label: string, page: number, items: number): void {
    const text = `${label}: page ${page}, ${number.format(items)} read`
    if (this.tty) this.show(text)
    else this.line(text)
  }

  keyed(label: string, done: number, total: number, unit: string): void {
    const text = `${label}: ${number.format(done)} of ${number.format(total)} ${unit}`
    if (this.tty) this.show(text)
    else if (done % KEYS_PER_LINE === 0 || done === total) this.line(text)
  }

  event(event: SourceEvent): void {
    if (event.kind === 'rate-limit') this.line(`rate limit: waiting ${seconds(event.waitMs)} (${event.header})`)
    else this.line(`the source failed (${event.reason}): trying again in ${seconds(event.waitMs)}`)
  }

  note(text: string): void {
    this.line(text)
  }

  /** Clears the status line, before the result is printed. */
  end(): void {
    if (this.tty && this.status) this.out.write('\r\x1b[2K')
    this.status = ''
  }

  private show(text: string): void {
    const requests = this.requests()
    this.status = `clone: ${text} (${number.format(requests)} ${requests === 1 ? 'request' : 'requests'})`
    this.out.write(`\r\x1b[2K${this.status}`)
  }

  private line(text: string): void {
    if (this.tty && this.status) this.out.write('\r\x1b[2K')
    this.out.write(`clone: ${text}\n`)
    if (this.tty && this.status) this.out.write(this.status)
  }
}
