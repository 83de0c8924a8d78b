import { connect } from 'node:net'

// HTTP/1.1 over a bare socket, for the tests of what Node's HTTP parser meets before Fastify does:
// bytes are sent exactly as given, and what comes back is parsed strictly, as a client would
// have to read it (RFC 9112): a status line, header lines, then a body framed by Content-Length
// or chunked encoding, none after a HEAD or for a 1xx, 204 or 304.

export interface RawResponse {
  status: number
  reason: string
  /** lower-cased names */
  headers: Map<string, string[]>
  body: Buffer
}

export interface Exchange {
  responses: RawResponse[]
  /** why the bytes received are not a sequence of well-framed responses; undefined when they are */
  malformed?: string
  /** the connection was reset, and when: before every expected response had arrived, or after */
  reset?: 'before' | 'after'
  /** the server closed the connection (rather than the client, after the last response) */
  closedByServer: boolean
  /** no answer within the time allowed */
  timedOut: boolean
}

export const header = (response: RawResponse, name: string): string | undefined => response.headers.get(name)?.[0]

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const STATUS_LINE = /^HTTP\/1\.1 ([1-5]\d\d) ([\x20-\x7e]*)$/
const FIELD_VALUE = /^[\t\x20-\x7e]*$/

type Parsed = { response: RawResponse; length: number } | { incomplete: true } | { malformed: string }

function parseHead(text: string): { status: number; reason: string; headers: Map<string, string[]> } | string {
  const [statusLine = '', ...lines] = text.split('\r\n')
  const status = STATUS_LINE.exec(statusLine)
  if (!status) return `bad status line ${JSON.stringify(statusLine.slice(0, 80))}`
  const headers = new Map<string, string[]>()
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon)
    const value = line.slice(colon + 1).trim()
    if (colon <= 0 || !TOKEN.test(name) || !FIELD_VALUE.test(value)) return `bad header line ${JSON.stringify(line.slice(0, 80))}`
    headers.set(name.toLowerCase(), [...(headers.get(name.toLowerCase()) ?? []), value])
  }
  return { status: Number(status[1]), reason: status[2]!, headers }
}

/** A chunked body from `start`: its bytes and where it ends, or why it cannot be read. */
function parseChunked(data: Buffer, start: number): { body: Buffer; end: number } | { incomplete: true } | { malformed: string } {
  const chunks: Buffer[] = []
  let at = start
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at)
    if (lineEnd === -1) return { incomplete: true }
    const size = data.subarray(at, lineEnd).toString('latin1')
    if (!/^[0-9a-fA-F]{1,8}$/.test(size)) return { malformed: `bad chunk size ${JSON.stringify(size.slice(0, 20))}` }
    const length = parseInt(size, 16)
    if (length === 0) {
      if (data.length < lineEnd + 4) return { incomplete: true }
      if (data.subarray(lineEnd + 2, lineEnd + 4).toString('latin1') !== '\r\n') return { malformed: 'trailers after the last chunk' }
      return { body: Buffer.concat(chunks), end: lineEnd + 4 }
    }
    const dataEnd = lineEnd + 2 + length
    if (data.length < dataEnd + 2) return { incomplete: true }
    if (data.subarray(dataEnd, dataEnd + 2).toString('latin1') !== '\r\n') return { malformed: 'chunk not followed by CRLF' }
    chunks.push(data.subarray(lineEnd + 2, dataEnd))
    at = dataEnd + 2
  }
}

/** The response at the start of `data`, to a request with this method. */
function parseResponse(data: Buffer, method: string): Parsed {
  const headEnd = data.indexOf('\r\n\r\n')
  if (headEnd === -1) return { incomplete: true }
  const head = parseHead(data.subarray(0, headEnd).toString('latin1'))
  if (typeof head === 'string') return { malformed: head }
  const bodyStart = headEnd + 4
  const done = (body: Buffer, end: number): Parsed => ({ response: { ...head, body }, length: end })
  if (method === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return done(Buffer.alloc(0), bodyStart)
  const encoding = head.headers.get('transfer-encoding')
  const lengths = head.headers.get('content-length')
  if (encoding && lengths) return { malformed: 'both Transfer-Encoding and Content-Length' }
  if (encoding) {
    if (encoding.join(',').toLowerCase() !== 'chunked') return { malformed: `Transfer-Encoding ${encoding.join(',')}` }
    const chunked = parseChunked(data, bodyStart)
    return 'body' in chunked ? done(chunked.body, chunked.end) : chunked
  }
  if (!lengths) return { malformed: `a ${head.status} with neither Content-Length nor chunked encoding` }
  if (lengths.length !== 1 || !/^\d+$/.test(lengths[0]!)) return { malformed: `Content-Length ${lengths.join(', ')}` }
  const end = bodyStart + Number(lengths[0])
  if (data.length < end) return { incomplete: true }
  return done(data.subarray(bodyStart, end), end)
}

/**
 * Parses `data` as the responses to requests with these methods, in order (responses past the
 * list are read as answers to a GET). Final responses only are counted; a 1xx is skipped.
 */
export function parseResponses(data: Buffer, methods: readonly string[]): { responses: RawResponse[]; rest: Buffer; malformed?: string } {
  const responses: RawResponse[] = []
  let at = 0
  while (at < data.length) {
    const parsed = parseResponse(data.subarray(at), methods[responses.length] ?? 'GET')
    if ('malformed' in parsed) return { responses, rest: data.subarray(at), malformed: parsed.malformed }
    if ('incomplete' in parsed) break
    at += parsed.length
    if (parsed.response.status >= 200) responses.push(parsed.response)
  }
  return { responses, rest: data.subarray(at) }
}

export interface SendOptions {
  /** the methods of the requests in `bytes`, in order: how many answers to wait for, and which have no body */
  methods: readonly string[]
  /** how long to wait for the answers; 10 s unless given */
  timeoutMs?: number
  /** write the bytes in pieces of this size, one per turn of the event loop (a slow client); at once unless given */
  pieces?: number
}

/**
 * Opens a connection, writes `bytes`, and reads until every expected response has arrived on a
 * connection kept open (then closes it), the server closes it, or the time runs out. The client
 * never half-closes: a server may not wait for a FIN to answer.
 */
export function exchange(port: number, bytes: Buffer, options: SendOptions): Promise<Exchange> {
  const { methods, timeoutMs = 10_000, pieces } = options
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const received: Buffer[] = []
    let settled = false
    let reset: Exchange['reset']
    const parsedNow = () => parseResponses(Buffer.concat(received), methods)
    const finish = (closedByServer: boolean, timedOut: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const { responses, rest, malformed } = parsedNow()
      const truncated = !malformed && rest.length > 0 ? `the connection closed inside a response (${rest.length} bytes unread)` : undefined
      resolve({ responses, malformed: malformed ?? truncated, reset, closedByServer, timedOut })
    }
    const timer = setTimeout(() => finish(false, true), timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk)
      const { responses, rest, malformed } = parsedNow()
      const last = responses.at(-1)
      // Every answer in, on a connection the server keeps: the client is done with it.
      if (!malformed && rest.length === 0 && responses.length >= methods.length && last && header(last, 'connection') !== 'close') finish(false, false)
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A write that fails after the server has answered and closed (EPIPE) is not a reset of the answer.
      if (error.code === 'ECONNRESET') reset = parsedNow().responses.length >= Math.min(1, methods.length) ? 'after' : 'before'
    })
    socket.on('close', () => finish(true, false))
    if (!pieces) return void socket.write(bytes)
    const writeFrom = (at: number): void => {
      if (settled || socket.destroyed || at >= bytes.length) return
      socket.write(bytes.subarray(at, at + pieces), () => setImmediate(() => writeFrom(at + pieces)))
    }
    writeFrom(0)
  })
}
