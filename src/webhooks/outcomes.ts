import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { recordOutcomes, type FinishedAttempt } from './queries.js'

// Attempts' outcomes, written a batch at a time: each attempt's end is queued here, and the queue
// is written in one transaction a few milliseconds later (or at once when it is long), so at a busy
// receiver many attempts share one commit. An outcome not yet written when the process dies is not
// lost work: its delivery is still leased, and sent again when the lease ends (at least once).

/** How long an outcome may wait for others to share its commit, ms. */
const GATHER_MS = 5
/** Outcomes written at once, at most. */
const MAX_BATCH = 256

export class OutcomeWriter {
  private queued: FinishedAttempt[] = []
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void,
  ) {}

  add(finished: FinishedAttempt): void {
    this.queued.push(finished)
    if (this.queued.length >= MAX_BATCH) this.schedule(0)
    else if (!this.timer) this.schedule(GATHER_MS)
  }

  /** Writes everything queued; resolves when it is written (or has failed and been reported). */
  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
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

  private schedule(delay: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.flush(), delay)
    this.timer.unref?.()
  }
}
