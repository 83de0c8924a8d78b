import { PassThrough, type Readable } from 'node:stream'
import type { Entry } from './entry.js'
import { entryMatcher, type EntryFilter } from './filters.js'
import type { RequestStore } from './store.js'

// What the admin API asks of the inspector: pages of a store's entries, one entry, clearing, and
// live streams (server-sent events), which the server ends when it closes.

export interface InspectorSettings {
  /** how often a stream sends a comment, so proxies and clients see a live connection */
  heartbeatMs: number
}

export interface PageRequest {
  filter: EntryFilter
  limit: number
  /** only entries with a greater id */
  after?: number
  /** only entries with a smaller id (the next page of older ones) */
  before?: number
}

export interface Page {
  data: Entry[]
  meta: {
    count: number
    capacity: number
    /** the newest id recorded for the store: where a stream or a poll resumes */
    last_id: number
    /** pass as `before` for the next page of older entries; null when there are none */
    next_before: number | null
  }
}

/** A stream whose client reads slower than the store's requests come is let go past this much unsent text. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024

export class Inspector {
  private readonly streams = new Set<PassThrough>()

  constructor(
    readonly store: RequestStore,
    readonly settings: InspectorSettings,
  ) {}

  async page(hash: string, request: PageRequest): Promise<Page> {
    const matches = entryMatcher(hash, request.filter)
    const [entries, lastId] = await Promise.all([this.store.list(hash), this.store.lastId(hash)])
    const selected = entries.filter(
      (entry) => (request.after === undefined || entry.id > request.after) && (request.before === undefined || entry.id < request.before) && matches(entry),
    )
    const data = selected.slice(0, request.limit)
    const more = selected.length > data.length
    return { data, meta: { count: data.length, capacity: this.store.capacity, last_id: lastId, next_before: more ? data[data.length - 1]!.id : null } }
  }

  async entry(hash: string, id: number): Promise<Entry | undefined> {
    return (await this.store.list(hash)).find((entry) => entry.id === id)
  }

  clear(hash: string): Promise<void> {
    return this.store.clear(hash)
  }

  /**
   * A text/event-stream of the store's entries that match: with `after`, first those kept with a
   * greater id (a resumed stream: Last-Event-ID), then each new one as it is recorded, on any node
   * sharing the store. Resolves once it is listening: a request made after the first bytes
   * arrive is in it. An `after` beyond the store's last id (ids started again: a restarted
   * process without Redis) sends everything kept.
   */
  async stream(hash: string, filter: EntryFilter, after: number | undefined): Promise<Readable> {
    const matches = entryMatcher(hash, filter)
    const out = new PassThrough()
    let sentUpTo = after ?? 0
    // The kept entries sent on resuming are bounded by the store's capacity; live ones are not.
    const send = (entry: Entry, json: string, live = true) => {
      if (entry.id <= sentUpTo || out.writableEnded || out.destroyed) return
      sentUpTo = entry.id
      if (!matches(entry)) return
      if (live && out.writableLength > MAX_UNSENT_BYTES) {
        out.end()
        return
      }
      out.write(`id: ${entry.id}\ndata: ${json}\n\n`)
    }
    // Entries recorded while the kept ones are read wait here, so none falls between the two.
    let waiting: [Entry, string][] | undefined = after === undefined ? undefined : []
    const stop = await this.store.subscribe(hash, (entry, json) => (waiting ? waiting.push([entry, json]) : send(entry, json)))
    const heartbeat = setInterval(() => out.writableEnded || out.write(': heartbeat\n\n'), this.settings.heartbeatMs)
    heartbeat.unref()
    this.streams.add(out)
    out.once('close', () => {
      clearInterval(heartbeat)
      stop()
      this.streams.delete(out)
    })
    out.write(': connected\n\n')
    if (waiting) {
      try {
        const [kept, lastId] = await Promise.all([this.store.list(hash), this.store.lastId(hash)])
        if (sentUpTo > lastId) sentUpTo = 0
        for (const entry of kept.reverse()) send(entry, JSON.stringify(entry), false)
      } catch (error) {
        out.destroy()
        throw error
      }
      for (const [entry, json] of waiting) send(entry, json)
      waiting = undefined
    }
    return out
  }

  /** Ends every open stream (the server is closing: their connections must not hold it open). */
  endStreams(): void {
    for (const out of this.streams) out.end()
  }

  async close(): Promise<void> {
    this.endStreams()
    await this.store.close()
  }
}
