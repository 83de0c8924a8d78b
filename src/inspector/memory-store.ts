import { KeptBody } from './bodies.js'
import type { Entry, Recorded } from './entry.js'
import type { Listener, RequestStore } from './store.js'

// One process's entries: a ring of `capacity` slots per store. Ids are consecutive per store, so
// the slot of an id is its remainder. Recording fills a slot in place: its bodies go into buffers
// the slot keeps and reuses (bodies.ts), so a store whose ring has come round allocates nothing
// but the entry's few small fields per request. No promise, no serialization (unless a live
// stream is listening).

interface Slot {
  id: number
  meta: Omit<Recorded, 'request' | 'response'>
  requestHeaders: Record<string, string>
  responseHeaders: Record<string, string>
  request: KeptBody
  response: KeptBody
}

interface Ring {
  slots: (Slot | undefined)[]
  lastId: number
  /** ids below this one were cleared */
  firstId: number
}

function entryOf(slot: Slot): Entry {
  return { id: slot.id, ...slot.meta, request: slot.request.exchange(slot.requestHeaders), response: slot.response.exchange(slot.responseHeaders) }
}

export class MemoryRequestStore implements RequestStore {
  private readonly rings = new Map<string, Ring>()
  private readonly listeners = new Map<string, Set<Listener>>()

  constructor(
    readonly capacity: number,
    readonly bodyLimit: number,
  ) {}

  record(hash: string, recorded: Recorded): void {
    let ring = this.rings.get(hash)
    if (!ring) {
      ring = { slots: new Array<Slot | undefined>(this.capacity), lastId: 0, firstId: 1 }
      this.rings.set(hash, ring)
    }
    const id = ++ring.lastId
    const index = id % this.capacity
    const { request, response, ...meta } = recorded
    let slot = ring.slots[index]
    if (slot) {
      slot.id = id
      slot.meta = meta
      slot.requestHeaders = request.headers
      slot.responseHeaders = response.headers
    } else {
      slot = { id, meta, requestHeaders: request.headers, responseHeaders: response.headers, request: new KeptBody(), response: new KeptBody() }
      ring.slots[index] = slot
    }
    slot.request.keep(request.text, this.bodyLimit)
    slot.response.keep(response.text, this.bodyLimit)
    const listeners = this.listeners.get(hash)
    if (!listeners) return
    const entry = entryOf(slot)
    const json = JSON.stringify(entry)
    for (const listener of listeners) listener(entry, json)
  }

  async list(hash: string): Promise<Entry[]> {
    const ring = this.rings.get(hash)
    if (!ring) return []
    const entries: Entry[] = []
    const oldest = Math.max(ring.firstId, ring.lastId - this.capacity + 1)
    for (let id = ring.lastId; id >= oldest; id--) entries.push(entryOf(ring.slots[id % this.capacity]!))
    return entries
  }

  async lastId(hash: string): Promise<number> {
    return this.rings.get(hash)?.lastId ?? 0
  }

  async clear(hash: string): Promise<void> {
    const ring = this.rings.get(hash)
    if (!ring) return
    ring.firstId = ring.lastId + 1
    ring.slots.fill(undefined)
  }

  async subscribe(hash: string, listener: Listener): Promise<() => void> {
    let listeners = this.listeners.get(hash)
    if (!listeners) {
      listeners = new Set()
      this.listeners.set(hash, listeners)
    }
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0 && this.listeners.get(hash) === listeners) this.listeners.delete(hash)
    }
  }

  async close(): Promise<void> {
    this.rings.clear()
    this.listeners.clear()
  }
}
