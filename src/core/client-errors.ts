import type { FastifyInstance } from 'fastify'
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { finished } from 'node:stream'
import { badRequest, headersTooLarge, requestTimeout, type ApiError } from './errors.js'

// Errors Node's HTTP parser meets before Fastify has a request: a request not complete within the
// request timeout, headers over Node's size limit, bytes that are not HTTP. Fastify's default
// answer is JSON of its own shape; this one is the envelope, like every other error, with no body
// after a HEAD, and closes the connection (what came before on it cannot be trusted to end where
// a next request begins).
//
// Closing is done gently. A client still sending (a 1 MB URL, a body over the limit) has bytes in
// flight; a socket destroyed with unread bytes answers them with a TCP reset, and the reset can
// reach the client before it has read the answer, which it then never sees. So the answer is
// sent with a FIN, and what the client still sends is read and dropped until it closes its side,
// up to a bound of bytes and time; past the bound the socket is destroyed after all.

/** How much a client may still send, and for how long, after it has been answered with a close. */
export const DRAIN_BOUND = { bytes: 4 * 1024 * 1024, ms: 5_000 } as const
const DRAIN_CHECK_MS = 100

const answered = new WeakSet<Socket>()

/**
 * Ends the socket's writing side now and destroys it once the client has closed its side, or it
 * has sent DRAIN_BOUND more bytes, or DRAIN_BOUND.ms have passed. Node's HTTP parser keeps reading
 * (and so dropping) whatever arrives meanwhile.
 */
function closeAfterDraining(socket: Socket): void {
  if (socket.destroyed) return
  const readAtStart = socket.bytesRead
  const started = Date.now()
  const check = setInterval(() => {
    if (socket.bytesRead - readAtStart > DRAIN_BOUND.bytes || Date.now() - started > DRAIN_BOUND.ms) socket.destroy()
  }, DRAIN_CHECK_MS)
  check.unref()
  socket.once('close', () => clearInterval(check))
  // Both sides ended: the stream destroys itself (autoDestroy).
  socket.once('end', () => socket.destroy())
  if (socket.writable) socket.end()
}

/** The methods Node's parser reads, less HEAD: a request opening with one of these is no HEAD. */
const NOT_HEAD = /^(?:GET|POST|PUT|DELETE|PATCH|OPTIONS|TRACE|CONNECT) /
/** HEAD, then anything but more of a token: a client that sent `HEAD\t/` or `HEAD\r\n` reads no body either. */
const HEAD = /^HEAD(?![!#$%&'*+.^_`|~0-9A-Za-z-])/

/**
 * Whether the request that failed is a HEAD, as far as the packet the parser failed in shows.
 * Only two places in it are known to start a request: its first byte when it is the first packet
 * of the connection, and the end of an earlier request's head in it (pipelining). Anywhere else
 * (the request began in an earlier packet: a slow client, headers that grew past the limit over
 * several reads) it is 'unknown', answered with an empty body (Content-Length: 0), which a HEAD
 * and a GET both read right. A timeout has no packet; its answer keeps the envelope, as a request
 * cut short is rarely a HEAD.
 */
function failedMethod(error: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number }, socket: Socket): 'head' | 'other' | 'unknown' {
  const packet = error.rawPacket
  if (!Buffer.isBuffer(packet)) return error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'other' : 'unknown'
  const upTo = typeof error.bytesParsed === 'number' ? Math.min(error.bytesParsed, packet.length) : packet.length
  const previousEnd = packet.subarray(0, upTo).lastIndexOf('\r\n\r\n')
  if (previousEnd === -1) {
    if (socket.bytesRead !== packet.length) return 'unknown'
    return HEAD.test(packet.subarray(0, 5).toString('latin1')) ? 'head' : 'other'
  }
  // What follows may be a body, not a request: only a method says it is a request.
  const opening = packet.subarray(previousEnd + 4, previousEnd + 4 + 9).toString('latin1')
  return HEAD.test(opening) ? 'head' : NOT_HEAD.test(opening) ? 'other' : 'unknown'
}

/** Writes the answer as raw bytes (no body after a HEAD, an empty one when the method is unknown) and closes gently. */
export function answerAndClose(socket: Socket, apiError: ApiError, method: 'head' | 'other' | 'unknown'): void {
  answered.add(socket)
  const body = method === 'unknown' ? '' : JSON.stringify(apiError.toBody())
  if (socket.writable) {
    // After a HEAD, the headers a GET would have had, Content-Length included, and no body.
    socket.write(
      `HTTP/1.1 ${apiError.status} ${apiError.title}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${method === 'head' ? '' : body}`,
    )
  }
  closeAfterDraining(socket)
}

export function clientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer; one already answered is being drained, and
  // Node's parser reports every later packet on it as another error.
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return
  const apiError =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? requestTimeout() : error.code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge() : badRequest()
  answered.add(socket)
  afterPendingAnswers(socket, (failing) => {
    // A request that failed in its body has been read as far as its method.
    const method = failing ? (failing.req.method === 'HEAD' ? 'head' : 'other') : failedMethod(error, socket)
    answerAndClose(socket, apiError, method)
  })
}

/**
 * Runs `then` once the answers to the requests before the failed one (pipelined on the
 * connection, read whole) have been written: answers go out in the order of the requests, or the client
 * takes this one for an earlier request's. Node keeps the answer being written in the socket's
 * `_httpMessage` (not documented, unchanged since Node 0.x) and gives it the next queued one when
 * it finishes.
 */
export function afterPendingAnswers(socket: Socket, then: (failing: ServerResponse | undefined) => void): void {
  const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
  if (!pending || pending.writableFinished) return then(undefined)
  // Not yet read whole, its request is the one that failed (in its body): it gets this answer.
  if (!pending.req.complete) return then(pending)
  finished(pending, () => setImmediate(() => (socket.destroyed ? undefined : afterPendingAnswers(socket, then))))
}

/**
 * A request refused before its body was read (over the body limit, bad JSON, unsupported media
 * type) is answered with `Connection: close`: the rest of its body cannot be told from a next
 * request; so is any answer on a connection not kept alive (HTTP/1.0) whose body is still
 * arriving. Node then destroys the socket as soon as the answer is written, resetting the bytes
 * still coming; this closes it after draining them instead.
 */
export function installGentleClose(app: FastifyInstance): void {
  // onSend, before the answer is written: Node calls destroySoon() the moment it has been.
  // Callback-style, as every hook that runs on each request: an async hook costs a promise and its ticks.
  app.addHook('onSend', (req, reply, payload, done) => {
    // Closing: said in the answer, or decided by Node for a request that keeps no connection (HTTP/1.0).
    if (!req.raw.complete && (reply.getHeader('connection') === 'close' || !reply.raw.shouldKeepAlive)) closeGentlyAfter(reply.raw)
    done(null, payload)
  })
}

/** When this answer has been written, its socket is closed after draining rather than destroyed. */
export function closeGentlyAfter(res: ServerResponse): void {
  const gently = (socket: Socket) => {
    // The connection ends with this answer: what the parser meets after it gets none.
    answered.add(socket)
    socket.destroySoon = () => closeAfterDraining(socket)
  }
  // An answer queued behind another (pipelining) has no socket yet: Node gives it one in turn.
  if (res.socket) gently(res.socket)
  else res.once('socket', gently)
}
