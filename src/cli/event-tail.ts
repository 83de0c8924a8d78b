import type { Db } from './shared.js'

// What `webhooks tail` prints: each event of a store once, as it commits. Events do not commit in
// id order: a writer takes its events' ids when it inserts them and commits later, and the
// writers of one store no longer wait for each other (db/counters.ts), so an event may appear
// after one with a higher id, but never after its writer's transaction has ended. So each look
// reads again every id above the highest one seen LATE_EVENT_MS ago (an event still to appear
// took its id after that), and skips the ones already printed.

/** Longer than any write transaction takes, from inserting its events to committing. */
export const LATE_EVENT_MS = 60_000

/** The highest event id the store has so far (0 for none). */
export async function lastEventId(db: Db, storeId: number): Promise<number> {
  const row = await db.selectFrom('webhook_events').select((eb) => eb.fn.max('id').as('last')).where('store_id', '=', storeId).executeTakeFirst()
  return Number(row?.last ?? 0)
}

export interface TailedEvent {
  id: number
  scope: string
  data: string
  hash: string
}

export class EventTail {
  /** the highest id seen, by when: the oldest still needed is the floor of the next read */
  private marks: { at: number; last: number }[] = []
  private readonly printed = new Set<number>()

  private constructor(
    private readonly db: Db,
    private readonly storeId: number,
    /** every id at or below it has been printed or was there before the tail started */
    private floor: number,
    private readonly lateMs: number,
  ) {}

  /**
   * A tail from now: the store's events so far are not printed. (One whose writer is committing
   * at this very moment, below the highest id, is taken for one of them.)
   */
  static async start(db: Db, storeId: number, lateMs = LATE_EVENT_MS, now = Date.now()): Promise<EventTail> {
    const last = await lastEventId(db, storeId)
    const tail = new EventTail(db, storeId, last, lateMs)
    tail.marks.push({ at: now, last })
    return tail
  }

  /** The events that appeared since the last look, in id order. */
  async next(now = Date.now()): Promise<TailedEvent[]> {
    const found = (await this.above(this.floor)).filter((event) => !this.printed.has(event.id))
    for (const event of found) this.printed.add(event.id)
    const last = Math.max(this.marks.at(-1)!.last, found.at(-1)?.id ?? 0)
    this.marks.push({ at: now, last })
    // The floor moves up to the highest id seen lateMs ago; what lies at or below it is never read again.
    while (this.marks.length > 1 && this.marks[1]!.at <= now - this.lateMs) this.marks.shift()
    if (this.marks[0]!.at <= now - this.lateMs && this.marks[0]!.last > this.floor) {
      this.floor = this.marks[0]!.last
      for (const id of this.printed) if (id <= this.floor) this.printed.delete(id)
    }
    return found
  }

  private above(floor: number): Promise<TailedEvent[]> {
    return this.db
      .selectFrom('webhook_events')
      .select(['id', 'scope', 'data', 'hash'])
      .where('store_id', '=', this.storeId)
      .where('id', '>', floor)
      .orderBy('id')
      .execute()
  }
}
