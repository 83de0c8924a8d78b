import type { FastifyInstance } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { afterPendingAnswers, answerAndClose, closeGentlyAfter } from './client-errors.js'
import { expectationFailed, methodNotAllowed } from './errors.js'

// Requests that ask for more than HTTP/1.1 request and answer: CONNECT (a tunnel), `Connection:
// Upgrade` (h2c, which `curl --http2` asks for on plain http; WebSocket), and an Expect other than
// 100-continue. Clientele speaks none of these. Node's own handling
// of both loses requests: a CONNECT nobody listens for is dropped unanswered, and after an
// unheeded Upgrade Node's parser stops where the headers end, so a chunked body, or a request
// pipelined behind, is never read and the client waits until a timeout.

/** The request's head as the client sent it, less the Upgrade header and the `upgrade` token of Connection. */
function headWithoutUpgrade(req: IncomingMessage): Buffer {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!
    const value = req.rawHeaders[i + 1]!
    const lower = name.toLowerCase()
    if (lower === 'upgrade') continue
    if (lower === 'connection') {
      const options = value.split(',').map((option) => option.trim()).filter((option) => option !== '' && option.toLowerCase() !== 'upgrade')
      if (options.length > 0) lines.push(`${name}: ${options.join(', ')}`)
      continue
    }
    lines.push(`${name}: ${value}`)
  }
  // Node reads header bytes as latin1: written back the same way, they are the bytes received.
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
}

export function installProtocolSwitchHandling(app: FastifyInstance): void {
  // A tunnel is not something an API gives: 405 in the envelope.
  app.server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    // The parser has let go of the socket: read and drop what the client still sends.
    socket.resume()
    answerAndClose(socket, methodNotAllowed(), 'other')
  })
  // An upgrade is declined the way RFC 9110 (7.8) allows, by answering in HTTP/1.1: the request
  // goes back in front of what followed it, less its Upgrade, and the socket to Node's HTTP
  // server as a connection, which reads it again as a plain request.
  // Node answers an unknown expectation with an empty 417 of its own: this one is in the envelope,
  // and closes (gently) rather than read the body the client may send anyway as a next request.
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify(expectationFailed(String(req.headers.expect)).toBody())
    closeGentlyAfter(res)
    res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  // The connection starts afresh once the answers to requests before this one have gone: they
  // belong to the connection being left.
  app.server.on('upgrade', (req: IncomingMessage, socket: Socket, rest: Buffer) => {
    const replay = Buffer.concat([headWithoutUpgrade(req), rest])
    afterPendingAnswers(socket, () => {
      socket.unshift(replay)
      app.server.emit('connection', socket)
    })
  })
}
