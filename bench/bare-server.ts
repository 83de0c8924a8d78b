import { createServer } from 'node:http'
import { serveUntilTerminated } from './child-server.js'

// The baseline: a plain node:http server that does no work but HTTP itself. It reads one
// captured response ({status, headers, body (base64)}) as JSON on stdin and answers every
// request with exactly those bytes, after reading the request body as Clientele must. Clientele's
// req/s divided by this one's is the share of a bare server's speed that Clientele keeps.

// Node writes these itself; copying the captured ones would send them twice or stale.
const OWN_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'])

let input = ''
for await (const chunk of process.stdin) input += String(chunk)
const captured = JSON.parse(input) as { status: number; headers: Record<string, string>; body: string }
const body = Buffer.from(captured.body, 'base64')
const headers: Record<string, string> = { 'content-length': String(body.length) }
for (const [name, value] of Object.entries(captured.headers)) if (!OWN_HEADERS.has(name)) headers[name] = value

const server = createServer((req, res) => {
  req.resume()
  req.once('end', () => {
    res.writeHead(captured.status, headers)
    res.end(body)
  })
})
serveUntilTerminated(server)
