import { start, type Env, type ProcessDatabase, type RunningProcess } from './process.js'

// `clientele serve` as a real process, for the tests of its start-up: started, banner read.

export interface Served {
  server: RunningProcess
  /** as printed: `http://host:port` */
  origin: string
  /** the dev store's token, printed on a first start only */
  token: string | undefined
}

/** Starts `serve` on an OS-picked port (unless env says otherwise) and waits for the banner's last line. */
export async function serve(database: Pick<ProcessDatabase, 'env'>, env: Env = {}): Promise<Served> {
  const server = start(['serve'], { PORT: '0', LOG_LEVEL: 'silent', ...database.env, ...env })
  await server.waitForLine(/^API docs: /)
  const origin = /Clientele is serving (\S+)/.exec(server.stdout())?.[1]
  if (!origin) throw new Error(`no address in:\n${server.stdout()}`)
  return { server, origin, token: /access token: (\S+)/.exec(server.stdout())?.[1] }
}

export async function listCustomers(origin: string, token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${origin}/stores/dev/v3/customers`, { headers: { 'x-auth-token': token, accept: 'application/json' } })
  return { status: response.status, body: await response.json() }
}

