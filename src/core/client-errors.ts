import type { FastifyInstance } from 'fastify'
import type { Socket } from 'node:net'
import { badRequest, headersTooLarge, requestTimeout } from './errors.js'

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

/**
 * Whether the request that failed is a HEAD: its method opens the packet the parser failed in,
 * or follows the end of the request before it there (keep-alive, pipelining). Unknowable after a
 * timeout, which has no packet: a body is sent then.
 */
function failedOnHead(error: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number }): boolean {
  const packet = error.rawPacket
  if (!Buffer.isBuffer(packet)) return false
  const upTo = typeof error.bytesParsed === 'number' ? Math.min(error.bytesParsed, packet.length) : packet.length
  const previousEnd = packet.subarray(0, upTo).lastIndexOf('\r\n\r\n')
  const start = previousEnd === -1 ? 0 : previousEnd + 4
  return packet.subarray(start, start + 5).toString('latin1') === 'HEAD '
}

export function clientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer; one already answered is being drained, and
  // Node's parser reports every later packet on it as another error.
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return
  answered.add(socket)
  const apiError =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? requestTimeout() : error.code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge() : badRequest()
  const body = JSON.stringify(apiError.toBody())
  if (socket.writable) {
    // After a HEAD, the headers a GET would have had, Content-Length included, and no body.
    socket.write(
      `HTTP/1.1 ${apiError.status} ${apiError.title}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${failedOnHead(error) ? '' : body}`,
    )
  }
  closeAfterDraining(socket)
}

/**
 * A request refused before its body was read (over the body limit, bad JSON, unsupported media
 * type) is answered with `Connection: close`: the rest of its body cannot be told from a next
 * request. Node then destroys the socket as soon as the answer is written, resetting the bytes
 * still coming; this closes it after draining them instead.
 */
export function installGentleClose(app: FastifyInstance): void {
  // onSend, before the answer is written: Node calls destroySoon() the moment it has been.
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.raw.complete && reply.getHeader('connection') === 'close') {
      const socket = req.raw.socket
      socket.destroySoon = () => closeAfterDraining(socket)
    }
    return payload
  })
}
