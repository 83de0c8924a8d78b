import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { recordOutcomes, type FinishedAttempt } from './queries.js'

// Attempts' outcomes, written a batch at a time (group commit): each attempt's end is queued
// here; the queue is written in one transaction as soon as no write is running, and what ends
// during a write waits for the next one, so at a busy receiver many attempts share one commit and
// at a quiet one nothing waits. An outcome not yet written when the process dies is not lost work:
// its delivery is still leased, and sent again when the lease ends (at least once).

/** Outcomes written at once, at most. */
const MAX_BATCH = 256

export class OutcomeWriter {
  private queued: FinishedAttempt[] = []
  private scheduled = false
  private writing: Promise<void> | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void,
  ) {}

  add(finished: FinishedAttempt): void {
    this.queued.push(finished)
    if (this.scheduled || this.writing) return
    this.scheduled = true
    // after this turn of the event loop: the attempts ending in it share the commit
    setImmediate(() => void this.flush())
  }

  /** Writes everything queued; resolves when it is written (or has failed and been reported). */
  async flush(): Promise<void> {
    this.scheduled = false
    while (this.writing) await this.writing
    if (this.queued.length === 0) return
    const batch = this.queued.splice(0, MAX_BATCH)
    this.writing = recordOutcomes(this.db, batch)
      .catch(this.onError)
      .finally(() => {
        this.writing = undefined
      })
    await this.writing
    if (this.queued.length > 0) await this.flush()
  }
}
