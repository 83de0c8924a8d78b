import type { Socket } from 'node:net'
import { badRequest, headersTooLarge, requestTimeout } from './errors.js'

// Errors Node's HTTP parser meets before Fastify has a request: a request not complete within the
// request timeout, headers over Node's size limit, bytes that are not HTTP. Fastify's default
// answer is JSON of its own shape; this one is the envelope, like every other error, and closes
// the connection (what came before on it cannot be trusted to end where a next request begins).

export function clientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const apiError =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? requestTimeout() : error.code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge() : badRequest()
  const body = JSON.stringify(apiError.toBody())
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${apiError.status} ${apiError.title}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}
