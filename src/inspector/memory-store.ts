import type { Entry } from './entry.js'
import type { Listener, RequestStore } from './store.js'

// One process's entries: a ring of `capacity` slots per store. Ids are consecutive per store, so
// the slot of an id is its remainder, and recording is one assignment: no promise, no copy.

interface Ring {
  slots: (Entry | undefined)[]
  lastId: number
  /** ids below this one were cleared */
  firstId: number
}

export class MemoryRequestStore implements RequestStore {
  private readonly rings = new Map<string, Ring>()
  private readonly listeners = new Map<string, Set<Listener>>()

  constructor(readonly capacity: number) {}

  record(hash: string, entry: Entry): void {
    let ring = this.rings.get(hash)
    if (!ring) {
      ring = { slots: new Array<Entry | undefined>(this.capacity), lastId: 0, firstId: 1 }
      this.rings.set(hash, ring)
    }
    entry.id = ++ring.lastId
    ring.slots[entry.id % this.capacity] = entry
    const listeners = this.listeners.get(hash)
    if (!listeners) return
    const json = JSON.stringify(entry)
    for (const listener of listeners) listener(entry, json)
  }

  async list(hash: string): Promise<Entry[]> {
    const ring = this.rings.get(hash)
    if (!ring) return []
    const entries: Entry[] = []
    const oldest = Math.max(ring.firstId, ring.lastId - this.capacity + 1)
    for (let id = ring.lastId; id >= oldest; id--) entries.push(ring.slots[id % this.capacity]!)
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
