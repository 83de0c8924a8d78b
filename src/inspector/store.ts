import type { Entry, Recorded } from './entry.js'

// Where the inspector's entries are kept: in this process (memory-store.ts), or in Redis, shared
// by every node (redis-store.ts). The recording side is `record`, called on the request's path:
// it must neither throw nor make the request wait.

/** A live entry, with its JSON text (made once, however many streams send it). */
export type Listener = (entry: Entry, json: string) => void

export interface RequestStore {
  /** entries kept per store; the oldest goes when one more comes */
  readonly capacity: number
  /** bytes kept of each body (INSPECTOR_BODY_LIMIT): the store cuts them as it keeps them */
  readonly bodyLimit: number
  /**
   * Keeps the entry under the next id of its store. In memory it is done when this returns; a
   * shared store answers a promise the caller only watches for errors.
   */
  record(hash: string, recorded: Recorded): void | Promise<unknown>
  /** Every entry kept for the store, newest first. */
  list(hash: string): Promise<Entry[]>
  /** The id of the store's newest entry ever recorded (cleared ones too), 0 when none. */
  lastId(hash: string): Promise<number>
  /** Drops the store's entries; ids go on from where they were. */
  clear(hash: string): Promise<void>
  /** Calls `listener` with each entry of the store recorded from when the promise resolves on; the function returned stops it. */
  subscribe(hash: string, listener: Listener): Promise<() => void>
  close(): Promise<void>
}
