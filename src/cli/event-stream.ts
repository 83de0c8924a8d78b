// Reading a text/event-stream (server-sent events) as it arrives: `logs tail` reads the request
// inspector's stream with it. Lines end in \n or \r\n; a blank line ends an event.

export interface ServerSentEvent {
  id: string | undefined
  event: string | undefined
  data: string
}

export class EventStreamParser {
  private pending = ''
  private id: string | undefined
  private event: string | undefined
  private data: string[] = []

  constructor(
    private readonly onEvent: (event: ServerSentEvent) => void,
    private readonly onComment: (text: string) => void = () => {},
  ) {}

  /** Feeds text as it arrives; complete events are handed on, the rest waits for more. */
  push(text: string): void {
    this.pending += text
    const lines = this.pending.split('\n')
    // The last piece has no line end yet.
    this.pending = lines.pop()!
    for (const line of lines) this.line(line.endsWith('\r') ? line.slice(0, -1) : line)
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onEvent({ id: this.id, event: this.event, data: this.data.join('\n') })
      this.data = []
      this.event = undefined
      return
    }
    if (line.startsWith(':')) {
      this.onComment(line.slice(1).trimStart())
      return
    }
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'data') this.data.push(value)
    // The id stays for the next events until one sets another, as EventSource keeps it.
    else if (field === 'id') this.id = value
    else if (field === 'event') this.event = value
  }
}
