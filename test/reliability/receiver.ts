import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

// A webhook receiver for the reliability suites: a node:http server on 127.0.0.1 that records
// every delivery whose body arrived whole (a sender killed mid-request records nothing), checks
// its Standard Webhooks signature, tracks the deliveries in flight per webhook-id, and answers
// as `answer` decides: a status, after an optional delay.

export interface Delivery {
  webhookId: string
  hash: string
  scope: string
  /** `data.id` of the envelope (the customer's id, for the customer events) */
  id: number
  body: string
  /** the status answered */
  status: number
  signed: boolean
}

export interface Reply {
  status: number
  delayMs?: number
}

export class Receiver {
  readonly deliveries: Delivery[] = []
  /** requests whose webhook-id was already in flight when they arrived */
  overlaps = 0
  /** the most requests in flight at once, all webhook-ids */
  maxInFlight = 0
  url = ''
  private server!: http.Server
  private readonly inFlight = new Map<string, number>()
  private open = 0
  private readonly verifier: Webhook

  /** `clientSecret`: the hook's account's; the key is its UTF-8 bytes, base64-encoded (docs/COMPATIBILITY.md) */
  constructor(
    clientSecret: string,
    private readonly answer: () => Reply = () => ({ status: 200 }),
  ) {
    this.verifier = new Webhook(Buffer.from(clientSecret, 'utf8').toString('base64'))
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const webhookId = String(req.headers['webhook-id'] ?? '')
      const already = this.inFlight.get(webhookId) ?? 0
      if (already > 0) this.overlaps++
      this.inFlight.set(webhookId, already + 1)
      this.open++
      this.maxInFlight = Math.max(this.maxInFlight, this.open)
      let left = false
      const leave = () => {
        if (left) return
        left = true
        this.open--
        const n = (this.inFlight.get(webhookId) ?? 1) - 1
        if (n === 0) this.inFlight.delete(webhookId)
        else this.inFlight.set(webhookId, n)
      }
      res.once('close', leave)
      // A sender killed mid-request: the body never ends, nothing is recorded.
      req.on('error', () => {})
      res.on('error', () => {})
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.once('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const reply = this.answer()
        let signed = true
        try {
          this.verifier.verify(body, req.headers as Record<string, string>)
        } catch {
          signed = false
        }
        const envelope = JSON.parse(body) as { scope: string; hash: string; data: { id: number } }
        this.deliveries.push({ webhookId, hash: envelope.hash, scope: envelope.scope, id: envelope.data.id, body, status: reply.status, signed })
        const respond = () => res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.status === 200 ? 'ok' : 'try again')
        if (reply.delayMs) setTimeout(respond, reply.delayMs)
        else respond()
      })
    })
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`
    return this
  }

  /** The deliveries answered 200: what the receiver accepted. */
  accepted(): Delivery[] {
    return this.deliveries.filter((d) => d.status === 200)
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
  }
}
