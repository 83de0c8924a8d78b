import type { Server } from 'node:http'

// How the bench's child servers (the bare server, the webhook receiver) run: on a free loopback
// port they print as `listening <port>`, with Fastify's keep-alive timeout, until SIGTERM.
export function serveUntilTerminated(server: Server): void {
  // Fastify's default, so idle keep-alive connections live as long as on the real server.
  server.keepAliveTimeout = 72_000
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`)
  })
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
