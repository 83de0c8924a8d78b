import { createServer } from 'node:http'
import { serveUntilTerminated } from './child-server.js'

// The webhook receiver of bench/webhooks.ts: a plain node:http server, in a process of its own,
// that reads each delivery's body and answers 200 at once with no body, as a fast receiver does.
// It counts what it gets: deliveries (any POST), distinct `webhook-id`s (a second delivery of one
// event to one hook is a duplicate), and when the first and the last arrived (epoch ms,
// sub-millisecond, comparable with the bench process's `performance.timeOrigin + performance.now()`).
// GET /stats answers those figures as JSON; GET /reset zeroes them. Prints `listening <port>`.

const at = () => performance.timeOrigin + performance.now()

let count = 0
let first: number | null = null
let last: number | null = null
let ids = new Set<string>()

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    req.resume()
    if (req.url === '/reset') {
      count = 0
      first = last = null
      ids = new Set()
    }
    const body = JSON.stringify({ count, distinct: ids.size, first, last })
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
    return
  }
  req.resume()
  req.once('end', () => {
    const now = at()
    count += 1
    first ??= now
    last = now
    const id = req.headers['webhook-id']
    if (typeof id === 'string') ids.add(id)
    res.writeHead(200, { 'content-length': '0' })
    res.end()
  })
})
serveUntilTerminated(server)
