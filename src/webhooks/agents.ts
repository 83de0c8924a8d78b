import http from 'node:http'
import https from 'node:https'

// Keep-alive connections per destination: a new TCP (and TLS) connection per attempt cost about a
// tenth of the worker's CPU at a busy receiver. One agent per origin and connected address (the
// address checked under WEBHOOK_DESTINATIONS=public is part of the key, so a socket is only ever
// reused for the address it was checked for), at most `maxSockets` sockets each, the same cap as
// the attempts in flight to one origin. The least recently used agent beyond `maxAgents` is
// destroyed with its idle sockets, so many destinations over time cost no more than that.

/** An idle socket is closed after this long (Node's agent also honours a shorter `Keep-Alive: timeout=` from the receiver). */
const IDLE_SOCKET_MS = 4_000

export class AgentPool {
  private readonly agents = new Map<string, http.Agent>()

  constructor(
    private readonly maxSockets: number,
    private readonly maxAgents = 256,
  ) {}

  agentFor(url: URL, address?: { address: string }): http.Agent {
    const key = `${url.origin} ${address?.address ?? ''}`
    const known = this.agents.get(key)
    if (known) {
      // most recently used last: the first is the one to evict
      this.agents.delete(key)
      this.agents.set(key, known)
      return known
    }
    const options = { keepAlive: true, maxSockets: this.maxSockets, maxFreeSockets: this.maxSockets, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const }
    const agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options)
    this.agents.set(key, agent)
    if (this.agents.size > this.maxAgents) this.evictOne()
    return agent
  }

  /** Destroys the least recently used agent with no attempt in flight (one in flight keeps its agent). */
  private evictOne(): void {
    for (const [key, agent] of this.agents) {
      if (Object.keys(agent.sockets).length > 0) continue
      this.agents.delete(key)
      agent.destroy()
      return
    }
  }

  /** Closes every socket, idle or not (the worker has stopped its attempts first). */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy()
    this.agents.clear()
  }
}
