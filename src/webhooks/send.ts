import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'

// One attempt: POST the body to the destination over node:http(s), with no client library. The
// whole attempt (connect, send, answer) has one deadline; redirects are not followed (a 3xx is a
// failure, WEBHOOKS.md (d)); at most `maxResponseBytes` of the answer is read, then the socket is
// destroyed, so a receiver streaming an endless body costs nothing more. A socket is kept for the
// next attempt (agents.ts) only after a whole answer within the caps; any other end destroys it.

export interface SendOptions {
  timeoutMs: number
  maxResponseBytes: number
  /** the keep-alive agent of this destination (AgentPool); none: a socket of its own */
  agent?: http.Agent
  /** the address to connect to, already checked (WEBHOOK_DESTINATIONS=public): no second DNS answer is used */
  address?: { address: string; family: 4 | 6 }
  /** aborts the attempt (the worker is stopping) */
  signal?: AbortSignal
}

export interface SendResult {
  /** the response's status, null when none arrived */
  status: number | null
  /** why the attempt failed; null on a 2xx */
  error: string | null
}

export async function send(url: URL, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendResult> {
  const deadline = Date.now() + options.timeoutMs
  const first = await sendOnce(url, body, headers, options, deadline)
  // A kept socket the receiver closed as it was reused (its idle timeout and our request crossed):
  // the request never reached it, so sending again on a fresh socket is not a second delivery.
  if (!first.staleSocket || options.signal?.aborted || Date.now() >= deadline) return first.result
  return (await sendOnce(url, body, headers, options, deadline)).result
}

function sendOnce(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
  deadline: number,
): Promise<{ result: SendResult; staleSocket: boolean }> {
  return new Promise((resolve) => {
    let status: number | null = null
    let done = false
    let request: http.ClientRequest | undefined
    const finish = (error: string | null, keepSocket = false, staleSocket = false) => {
      if (done) return
      done = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      if (!keepSocket) request?.destroy()
      if (error === null && status !== null && (status < 200 || status > 299)) {
        error = status >= 300 && status < 400 ? `redirect (${status}) not followed` : `status ${status}`
      }
      resolve({ result: { status, error }, staleSocket })
    }
    const timer = setTimeout(() => finish(status === null ? `no response within ${options.timeoutMs} ms` : null), Math.max(0, deadline - Date.now()))
    const onAbort = () => finish('aborted: the worker stopped')
    options.signal?.addEventListener('abort', onAbort)

    const address = options.address
    const lookup: LookupFunction | undefined = address
      ? (_hostname, lookupOptions, callback) => {
          if (lookupOptions.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [address])
          else callback(null, address.address, address.family)
        }
      : undefined
    try {
      const client = url.protocol === 'https:' ? https : http
      request = client.request(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: options.agent ?? false,
        ...(lookup ? { lookup } : {}),
      })
    } catch (error) {
      // An invalid custom header value, for one: the hook's own mistake, reported on its delivery.
      finish(`request not sent: ${(error as Error).message}`)
      return
    }
    const sent = request
    sent.on('error', (error: NodeJS.ErrnoException) => {
      const stale = status === null && sent.reusedSocket && error.code === 'ECONNRESET'
      finish(error.message || String(error), false, stale)
    })
    sent.on('response', (response) => {
      status = response.statusCode ?? null
      let read = 0
      response.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read > options.maxResponseBytes) finish(null)
      })
      // the whole answer read: the agent may keep the socket for the next attempt
      response.on('end', () => finish(null, true))
      response.on('error', () => finish(null))
    })
    sent.end(body)
  })
}
