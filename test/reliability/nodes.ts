import { randomUUID } from 'node:crypto'
import { Agent, request } from 'node:http'
import { start, type Env, type RunningProcess } from '../helpers/process.js'

// `clientele serve` processes for the reliability suites, and a small HTTP client for them that
// reports a connection cut by a killed server as such instead of throwing.

export interface Node {
  server: RunningProcess
  origin: string
}

/** Starts `serve` on an OS-picked port and waits until it listens. */
export async function startNode(env: Env): Promise<Node> {
  const server = start(['serve'], { PORT: '0', LOG_LEVEL: 'silent', ...env })
  await server.waitForLine(/^API docs: /, 30_000)
  const origin = /Clientele is serving (\S+)/.exec(server.stdout())?.[1]
  if (!origin) throw new Error(`no address in:\n${server.stdout()}`)
  return { server, origin }
}

export interface Answer {
  status: number
  body: any
  headers: Record<string, string | string[] | undefined>
}

/** An answer, or 'cut' when the connection ended without one (the server died). */
export type Outcome = Answer | 'cut'

/** Keep-alive connections, as API clients use them; one agent per suite run. */
export function keepAliveAgent(maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets })
}

export function call(agent: Agent, origin: string, method: string, path: string, token: string, body?: unknown): Promise<Outcome> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve) => {
    const req = request(`${origin}${path}`, {
      agent,
      method,
      headers: {
        accept: 'application/json',
        'x-auth-token': token,
        'x-request-id': randomUUID(),
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
      },
    })
    req.once('error', () => resolve('cut'))
    req.once('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.once('error', () => resolve('cut'))
      res.once('aborted', () => resolve('cut'))
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text), headers: res.headers }))
    })
    req.end(payload)
  })
}
