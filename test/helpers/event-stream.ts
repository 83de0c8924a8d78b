import { request, type IncomingMessage } from 'node:http'
import { EventStreamParser, type ServerSentEvent } from '../../src/cli/event-stream.js'

// A server-sent events stream read over a real connection, as a browser's or the CLI's would be:
// the events and comments so far, and waits for more. node:http rather than fetch: closing it
// destroys its socket there and then (an aborted fetch leaves connections for the server to close).

export interface EventStream {
  contentType: string | null
  events(): ServerSentEvent[]
  comments(): string[]
  /** everything received, as text */
  text(): string
  /** resolves with the events once there are at least `n` */
  waitForEvents(n: number, timeoutMs?: number): Promise<ServerSentEvent[]>
  /** resolves when the server ends the stream */
  ended: Promise<void>
  close(): void
}

/** Opens the stream; resolves once the server's first comment (it is listening) has arrived. */
export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false })
  const response = await new Promise<IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject).end())
  if (response.statusCode !== 200) {
    let body = ''
    for await (const chunk of response) body += chunk
    throw new Error(`${url}: ${response.statusCode} ${body}`)
  }
  const events: ServerSentEvent[] = []
  const comments: string[] = []
  let text = ''
  const changed = new Set<() => void>()
  const parser = new EventStreamParser(
    (event) => events.push(event),
    (comment) => comments.push(comment),
  )
  response.setEncoding('utf8')
  const ended = (async () => {
    try {
      for await (const chunk of response as AsyncIterable<string>) {
        text += chunk
        parser.push(chunk)
        for (const wake of changed) wake()
      }
    } catch {
      // closed by us
    } finally {
      for (const wake of changed) wake()
    }
  })()
  const until = (ready: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (ready()) return resolve()
      const wake = () => {
        if (!ready()) return
        done()
        resolve()
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`no ${what} within ${timeoutMs} ms; received:\n${text}`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        changed.delete(wake)
      }
      changed.add(wake)
    })
  await until(() => comments.length > 0, 5_000, 'first comment')
  return {
    contentType: response.headers['content-type'] ?? null,
    events: () => [...events],
    comments: () => [...comments],
    text: () => text,
    waitForEvents: async (n, timeoutMs = 5_000) => {
      await until(() => events.length >= n, timeoutMs, `${n} events`)
      return events.slice(0, n)
    },
    ended,
    close: () => req.destroy(),
  }
}
