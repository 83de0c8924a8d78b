import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'

// One attempt: POST the body to the destination over node:http(s), with no client library. The
// whole attempt (connect, send, answer) has one deadline; redirects are not followed (a 3xx is a
// failure, WEBHOOKS.md (d)); at most `maxResponseBytes` of the answer is read, then the socket is
// destroyed, so a receiver streaming an endless body costs nothing more. No keep-alive agent:
// every attempt's socket is its own and ends with it.

export interface SendOptions {
  timeoutMs: number
  maxResponseBytes: number
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

export function send(url: URL, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendResult> {
  return new Promise((resolve) => {
    let status: number | null = null
    let done = false
    let request: http.ClientRequest | undefined
    const finish = (error: string | null) => {
      if (done) return
      done = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      request?.destroy()
      if (error === null && status !== null && (status < 200 || status > 299)) {
        error = status >= 300 && status < 400 ? `redirect (${status}) not followed` : `status ${status}`
      }
      resolve({ status, error })
    }
    const timer = setTimeout(() => finish(status === null ? `no response within ${options.timeoutMs} ms` : null), options.timeoutMs)
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
        agent: false,
        ...(lookup ? { lookup } : {}),
      })
    } catch (error) {
      // An invalid custom header value, for one: the hook's own mistake, reported on its delivery.
      finish(`request not sent: ${(error as Error).message}`)
      return
    }
    request.on('error', (error) => finish(error.message || String(error)))
    request.on('response', (response) => {
      status = response.statusCode ?? null
      let read = 0
      response.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read > options.maxResponseBytes) finish(null)
      })
      response.on('end', () => finish(null))
      response.on('error', () => finish(null))
    })
    request.end(body)
  })
}
